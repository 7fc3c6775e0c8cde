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

{# Each dimension is counted on its own, and only then joined to customer_features.
    At 10M customers one count over the union of all three, joined first (235 million
    rows), ran out of a 4.4 GiB memory limit; counted first, the join sees 65 million
    rows, and the model took 123 s under the same limit (bench/RESULTS.md, session 12). #}
category_values as (
    select
        customer_id,
        {% if has_category -%}
            coalesce(cast(product_category as {{ dbt.type_string() }}), '(missing)')
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as dimension_value
    from order_lines
    where {{ 'true' if has_category else 'false' }}
        and cast(ordered_at as date) < (select snapshot_date from current_snapshot)
),

channel_values as (
    select
        customer_id,
        {% if has_channel -%}
            coalesce(cast(channel as {{ dbt.type_string() }}), '(missing)')
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as dimension_value
    from orders
    where {{ 'true' if has_channel else 'false' }}
        and order_date < (select snapshot_date from current_snapshot)
),

event_values as (
    select
        customer_id,
        coalesce(
            cast(event_type as {{ dbt.type_string() }}), '(missing)'
        ) as dimension_value
    from events
    where cast(occurred_at as date) < (select snapshot_date from current_snapshot)
),

category_counts as (
    select
        customer_id,
        'product_category' as dimension,
        dimension_value,
        count(*) as row_count
    from category_values
    group by customer_id, dimension_value
),

channel_counts as (
    select
        customer_id,
        'channel' as dimension,
        dimension_value,
        count(*) as row_count
    from channel_values
    group by customer_id, dimension_value
),

event_counts as (
    select
        customer_id,
        'event_type' as dimension,
        dimension_value,
        count(*) as row_count
    from event_values
    group by customer_id, dimension_value
),

counts as (
    select * from category_counts
    union all
    select * from channel_counts
    union all
    select * from event_counts
),

counted as (
    select counts.*
    from counts
    inner join customer_features
        on counts.customer_id = customer_features.customer_id
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
