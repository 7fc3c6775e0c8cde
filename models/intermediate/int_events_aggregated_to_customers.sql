{#- Engagement per customer before as_of_date: counts by event type, active days and
    days since the last event. Empty when there is no events input. -#}
with

events as (
    select * from {{ ref('int_events_validated') }}
    where rejection_reason is null
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

aggregated as (
    select
        customer_id,
        count(*) as event_count,
        {{ count_columns(ref('int_events_validated'), 'event_type', 'event_count') }}
        {{ count_distinct('cast(occurred_at as date)') }} as active_days,
        max(occurred_at) as last_event_at
    from events
    group by customer_id
),

final as (
    select
        aggregated.*,
        {{ dbt.datediff(
            'cast(aggregated.last_event_at as date)', 'run_parameters.as_of_date', 'day'
        ) }} as days_since_last_event
    from aggregated
    cross join run_parameters
)

select * from final
