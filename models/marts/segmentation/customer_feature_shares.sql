{#- The mix of each customer's activity before as_of_date, long: one row per customer,
    dimension (product_category of order lines, channel of orders, event_type of
    events) and value the customer has, with the count and its share of the customer's
    total in that dimension. Every value is kept (no top-N cut-off, no pivoted
    columns), so the schema is fixed whatever the categories are; a missing row means
    a share of 0. A missing value counts as '(missing)'. -#}
{%- set has_category = input_has_column('orders', 'product_category') -%}
{%- set has_channel = input_has_column('orders', 'channel') -%}
{%- set has_events = input_origin('events') != 'absent' -%}
with

current_snapshot as (
    select * from {{ ref('int_feature_snapshots') }}
    where snapshot = 'current'
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

order_lines as (
    select * from {{ ref('int_order_lines_validated') }}
    where rejection_reason is null
),

orders as (
    select * from {{ ref('int_orders') }}
),

events as (
    select * from {{ ref('int_events_validated') }}
    where rejection_reason is null
),

activity as (
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as dimension,
        cast(null as {{ dbt.type_string() }}) as value
    from current_snapshot
    where 1 = 0
    {%- if has_category %}
    union all
    select
        order_lines.customer_id,
        'product_category' as dimension,
        cast(order_lines.product_category as {{ dbt.type_string() }}) as value
    from order_lines
    inner join current_snapshot
        on cast(order_lines.ordered_at as date) < current_snapshot.snapshot_date
    {%- endif %}
    {%- if has_channel %}
    union all
    select
        orders.customer_id,
        'channel' as dimension,
        cast(orders.channel as {{ dbt.type_string() }}) as value
    from orders
    inner join current_snapshot
        on orders.order_date < current_snapshot.snapshot_date
    {%- endif %}
    {%- if has_events %}
    union all
    select
        events.customer_id,
        'event_type' as dimension,
        cast(events.event_type as {{ dbt.type_string() }}) as value
    from events
    inner join current_snapshot
        on cast(events.occurred_at as date) < current_snapshot.snapshot_date
    {%- endif %}
),

counted as (
    select
        activity.customer_id,
        activity.dimension,
        coalesce(activity.value, '(missing)') as value,
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
        value,
        row_count,
        row_count * 1.0 / sum(row_count) over (
            partition by customer_id, dimension
        ) as share
    from counted
)

select * from final
