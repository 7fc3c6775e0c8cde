{#- Where every raw row went: clean, rejected (by reason) or collapsed as a
    duplicate. -#}
with

orders as (
    {{ data_quality_rows(
        'orders', 'orders', 'stg_shop__order_lines', 'int_order_lines_validated', 'rejected_orders'
    ) }}
),

customers as (
    {{ data_quality_rows(
        'customers', 'customers', 'stg_shop__customers', 'stg_shop__customers', 'rejected_customers'
    ) }}
),

events as (
    {{ data_quality_rows(
        'events', 'events', 'stg_shop__events', 'int_events_validated', 'rejected_events'
    ) }}
),

survey_responses as (
    {{ data_quality_rows(
        'survey_responses',
        'survey_responses',
        'stg_shop__survey_responses',
        'stg_shop__survey_responses',
        'rejected_survey_responses'
    ) }}
),

unioned as (
    select * from orders
    union all
    select * from customers
    union all
    select * from events
    union all
    select * from survey_responses
),

final as (
    select
        source_table,
        outcome,
        reason,
        row_count
    from unioned
    where row_count > 0 or outcome = 'clean'
)

select * from final
