{#- Clean engagement events, with events on or after as_of_date set aside. -#}
with

events as (
    select * from {{ ref('stg_shop__events') }}
    where rejection_reason is null
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

final as (
    select
        events.event_id,
        events.customer_id,
        events.occurred_at,
        events.event_type,
        events.raw_row_count,
        case
            when cast(events.occurred_at as date) >= run_parameters.as_of_date
                then 'after_as_of_date'
        end as rejection_reason
    from events
    cross join run_parameters
)

select * from final
