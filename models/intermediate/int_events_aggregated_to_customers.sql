{#- Engagement per customer and snapshot, from the events before the snapshot's date:
    counts by event type, active days and days since the last event. Empty when there
    is no events input. -#}
with

events as (
    select * from {{ ref('int_events_clean') }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

events_at_snapshots as (
    select
        snapshots.snapshot,
        snapshots.snapshot_date,
        events.*
    from events
    inner join snapshots
        on cast(events.occurred_at as date) < snapshots.snapshot_date
),

aggregated as (
    select
        snapshot,
        customer_id,
        min(snapshot_date) as snapshot_date,
        count(*) as event_count,
        {{ count_columns(ref('int_events_validated'), 'event_type', 'event_count') }}
        {{ count_distinct('cast(occurred_at as date)') }} as active_days,
        max(occurred_at) as last_event_at
    from events_at_snapshots
    group by snapshot, customer_id
),

final as (
    select
        aggregated.*,
        {{ days_between(
            'cast(aggregated.last_event_at as date)', 'aggregated.snapshot_date'
        ) }} as days_since_last_event
    from aggregated
)

select * from final
