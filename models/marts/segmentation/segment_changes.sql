{#- How the published segments changed since the previous snapshot in segment_catalog:
    kept (same id and name, matched by profile), new (no earlier segment close enough)
    or vanished (an earlier segment nothing matched). Empty after the first run. -#}
with

catalog as (
    select distinct
        as_of_date,
        segment_id,
        segment_name,
        customers
    from {{ ref('segment_catalog') }}
),

snapshots as (
    select
        as_of_date,
        row_number() over (order by as_of_date desc) as recency_rank
    from (select distinct as_of_date from catalog) as dates
),

latest as (
    select catalog.*
    from catalog
    inner join snapshots
        on catalog.as_of_date = snapshots.as_of_date
    where snapshots.recency_rank = 1
),

previous as (
    select catalog.*
    from catalog
    inner join snapshots
        on catalog.as_of_date = snapshots.as_of_date
    where snapshots.recency_rank = 2
),

compared as (
    select
        coalesce(latest.segment_id, previous.segment_id) as segment_id,
        previous.as_of_date as previous_as_of_date,
        latest.as_of_date,
        previous.segment_name as previous_segment_name,
        latest.segment_name,
        previous.customers as previous_customers,
        latest.customers,
        case
            when previous.segment_id is null then 'new'
            when latest.segment_id is null then 'vanished'
            else 'kept'
        end as segment_change
    from latest
    full outer join previous
        on latest.segment_id = previous.segment_id
    where (select count(*) from snapshots) > 1
),

final as (
    select * from compared
)

select * from final
