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

history as (
    {{ latest_snapshots('catalog') }}
),

latest as (
    select * from history
    where snapshot_rank = 1
),

previous as (
    select * from history
    where snapshot_rank = 2
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
    where (select count(distinct as_of_date) from history) > 1
),

final as (
    select * from compared
)

select * from final
