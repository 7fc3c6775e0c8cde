{#- Customer features at each snapshot (int_feature_snapshots): 'current' is
    customer_features; 'backtest' is the same features as of the backtest date, which
    the model search fits on before it checks what those customers did next.
    One row per snapshot and customer with at least one valid order before the date. -#}
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

final as (
    select
        order_features.snapshot,
        order_features.customer_id,
        order_features.snapshot_date as as_of_date,
        order_features.first_order_date,
        order_features.last_order_date,
        order_features.recency_days,
        order_features.frequency,
        order_features.monetary,
        order_features.avg_order_value,
        order_features.tenure_days,
        order_features.mean_days_between_orders,
        order_features.return_rate,
        {%- if has_status %}
            order_features.cancel_rate,
        {%- endif %}
        {{ coalesced_columns(
            ref('int_order_lines_pivoted_to_customers'), 'category_mix',
            except=['snapshot', 'customer_id', 'line_count']
        ) }}
        {{ coalesced_columns(
            ref('int_orders_pivoted_to_customers'), 'channel_mix',
            except=['snapshot', 'customer_id', 'order_count']
        ) }}
        {%- if has_events %}
        {{ coalesced_columns(
            ref('int_events_aggregated_to_customers'), 'engagement',
            except=[
                'snapshot', 'customer_id', 'snapshot_date', 'last_event_at',
                'days_since_last_event',
            ]
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
    left join category_mix
        on
            order_features.snapshot = category_mix.snapshot
            and order_features.customer_id = category_mix.customer_id
    left join channel_mix
        on
            order_features.snapshot = channel_mix.snapshot
            and order_features.customer_id = channel_mix.customer_id
    left join engagement
        on
            order_features.snapshot = engagement.snapshot
            and order_features.customer_id = engagement.customer_id
    left join customers
        on order_features.customer_id = customers.customer_id
)

select * from final
