{#- Moves between consecutive snapshots of segment_history: for each as_of_date after
    the first, how many customers (and how much of their current revenue) went from each
    segment to each segment. Customers new since the previous snapshot come from
    '(new customer)'; those absent now go to '(no longer active)'. For each as_of_date,
    the customers coming from anywhere add up to the customers in that snapshot. -#}
with

history as (
    select * from {{ ref('segment_history') }}
),

snapshots as (
    select distinct as_of_date from history
),

consecutive as (
    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date
    from snapshots
),

pairs as (
    select
        consecutive.previous_as_of_date,
        consecutive.as_of_date,
        coalesce(previous.customer_id, current_snapshot.customer_id) as customer_id,
        previous.segment_name as from_segment_name,
        current_snapshot.segment_name as to_segment_name,
        coalesce(current_snapshot.monetary, 0) as monetary
    from consecutive
    inner join history as current_snapshot
        on consecutive.as_of_date = current_snapshot.as_of_date
    left join history as previous
        on
            consecutive.previous_as_of_date = previous.as_of_date
            and current_snapshot.customer_id = previous.customer_id
    where consecutive.previous_as_of_date is not null
    union all
    select
        consecutive.previous_as_of_date,
        consecutive.as_of_date,
        previous.customer_id,
        previous.segment_name as from_segment_name,
        cast(null as {{ dbt.type_string() }}) as to_segment_name,
        0 as monetary
    from consecutive
    inner join history as previous
        on consecutive.previous_as_of_date = previous.as_of_date
    left join history as current_snapshot
        on
            consecutive.as_of_date = current_snapshot.as_of_date
            and previous.customer_id = current_snapshot.customer_id
    where current_snapshot.customer_id is null
),

final as (
    select
        {{ dbt.concat([
            "cast(as_of_date as " ~ dbt.type_string() ~ ")",
            "':'",
            "coalesce(from_segment_name, '(new customer)')",
            "'->'",
            "coalesce(to_segment_name, '(no longer active)')",
        ]) }} as migration_id,
        previous_as_of_date,
        as_of_date,
        coalesce(from_segment_name, '(new customer)') as from_segment_name,
        coalesce(to_segment_name, '(no longer active)') as to_segment_name,
        cast(count(*) as {{ dbt.type_bigint() }}) as customers,
        sum(monetary) as revenue
    from pairs
    group by
        previous_as_of_date,
        as_of_date,
        coalesce(from_segment_name, '(new customer)'),
        coalesce(to_segment_name, '(no longer active)')
)

select * from final
