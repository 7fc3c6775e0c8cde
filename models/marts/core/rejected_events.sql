{#- Every raw event row that was not used, with the reason. -#}
with

staged_events as (
    select * from {{ ref('stg_shop__events') }}
),

validated_events as (
    select * from {{ ref('int_events_validated') }}
),

rejected as (
    select
        event_id,
        rejection_reason
    from staged_events
    where rejection_reason is not null
    union all
    select
        event_id,
        rejection_reason
    from validated_events
    where rejection_reason is not null
),

final as (
    select
        rejected.event_id,
        rejected.rejection_reason,
        staged_events.raw_customer_id as customer_id,
        staged_events.raw_occurred_at as occurred_at,
        staged_events.raw_event_type as event_type,
        staged_events.raw_row_count
    from rejected
    inner join staged_events
        on rejected.event_id = staged_events.event_id
)

select * from final
