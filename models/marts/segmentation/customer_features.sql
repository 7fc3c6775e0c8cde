{#- One row per customer with at least one valid order before as_of_date: RFM, order
    rhythm, category and channel mix, returns, engagement and demographic bands.
    Numeric columns are candidate clustering features; text columns are lenses only. -#}
{%- set has_status = input_has_column('orders', 'status') -%}
{%- set has_events = input_origin('events') != 'absent' -%}
{%- set has_customers = input_origin('customers') != 'absent' -%}
with

order_features as (
    select * from {{ ref('int_orders_aggregated_to_customers') }}
),

category_mix as (
    select * from {{ ref('int_order_lines_pivoted_to_customers') }}
),

channel_mix as (
    select * from {{ ref('int_orders_pivoted_to_customers') }}
),

engagement as (
    select * from {{ ref('int_events_aggregated_to_customers') }}
),

customers as (
    select * from {{ ref('customers') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

final as (
    select
        order_features.customer_id,
        run_parameters.as_of_date,
        order_features.first_order_date,
        order_features.last_order_date,
        order_features.recency_days,
        order_features.frequency,
        order_features.monetary,
        order_features.avg_order_value,
        order_features.tenure_days,
        order_features.mean_days_between_orders,
        {%- if has_status %}
            order_features.return_rate,
            order_features.cancel_rate,
        {%- endif %}
        {{ coalesced_columns(
            ref('int_order_lines_pivoted_to_customers'), 'category_mix',
            except=['customer_id', 'line_count']
        ) }}
        {{ coalesced_columns(
            ref('int_orders_pivoted_to_customers'), 'channel_mix',
            except=['customer_id', 'order_count']
        ) }}
        {%- if has_events %}
        {{ coalesced_columns(
            ref('int_events_aggregated_to_customers'), 'engagement',
            except=['customer_id', 'last_event_at', 'days_since_last_event']
        ) }}
            engagement.last_event_at,
            engagement.days_since_last_event,
        {%- endif %}
        {%- if has_customers %}
            customers.age_band,
            customers.gender,
            customers.income_band,
            customers.country,
            customers.region,
        {%- endif %}
        category_mix.line_count as order_line_count,
        channel_mix.order_count
    from order_features
    cross join run_parameters
    left join category_mix
        on order_features.customer_id = category_mix.customer_id
    left join channel_mix
        on order_features.customer_id = channel_mix.customer_id
    left join engagement
        on order_features.customer_id = engagement.customer_id
    left join customers
        on order_features.customer_id = customers.customer_id
)

select * from final
