{#- The mix of each customer's activity before as_of_date, long: one row per customer,
    dimension (product_category of order lines, channel of orders, event_type of
    events) and value the customer has, with the count and its share of the customer's
    total in that dimension. Every value is kept (no top-N cut-off, no pivoted
    columns), so the schema is fixed whatever the categories are; a missing row means
    a share of 0. A missing value counts as '(missing)'. -#}
{%- set has_category = input_has_column('orders', 'product_category') -%}
{%- set has_channel = input_has_column('orders', 'channel') -%}
with

current_snapshot as (
    select * from {{ ref('int_feature_snapshots') }}
    where snapshot = 'current'
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

order_lines as (
    select * from {{ ref('int_order_lines_clean') }}
),

orders as (
    select * from {{ ref('int_orders') }}
),

events as (
    select * from {{ ref('int_events_clean') }}
),

category_values as (
    select
        order_lines.customer_id,
        'product_category' as dimension,
        {% if has_category -%}
            cast(order_lines.product_category as {{ dbt.type_string() }})
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as dimension_value
    from order_lines
    inner join current_snapshot
        on cast(order_lines.ordered_at as date) < current_snapshot.snapshot_date
    where {{ 'true' if has_category else 'false' }}
),

channel_values as (
    select
        orders.customer_id,
        'channel' as dimension,
        {% if has_channel -%}
            cast(orders.channel as {{ dbt.type_string() }})
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as dimension_value
    from orders
    inner join current_snapshot
        on orders.order_date < current_snapshot.snapshot_date
    where {{ 'true' if has_channel else 'false' }}
),

event_values as (
    select
        events.customer_id,
        'event_type' as dimension,
        cast(events.event_type as {{ dbt.type_string() }}) as dimension_value
    from events
    inner join current_snapshot
        on cast(events.occurred_at as date) < current_snapshot.snapshot_date
),

activity as (
    select * from category_values
    union all
    select * from channel_values
    union all
    select * from event_values
),

counted as (
    select
        activity.customer_id,
        activity.dimension,
        coalesce(activity.dimension_value, '(missing)') as dimension_value,
        count(*) as row_count
    from activity
    inner join customer_features
        on activity.customer_id = customer_features.customer_id
    group by 1, 2, 3
),

final as (
    select
        customer_id,
        dimension,
        dimension_value,
        row_count,
        {{ as_double('row_count') }} / sum(row_count) over (
            partition by customer_id, dimension
        ) as dimension_share
    from counted
)

select * from final
