{#- Channel mix per customer and snapshot: the share of their orders placed before the
    snapshot's date in each channel. Only built from the column when the orders input
    has channel. -#}
{%- set has_channel = input_has_column('orders', 'channel') -%}
with

orders as (
    select * from {{ ref('int_orders') }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

orders_at_snapshots as (
    select
        snapshots.snapshot,
        orders.*
    from orders
    inner join snapshots
        on orders.order_date < snapshots.snapshot_date
),

final as (
    select
        snapshot,
        customer_id,
        {{ share_columns(
            ref('int_orders'), 'channel', 'channel_share'
        ) if has_channel }}
        count(*) as order_count
    from orders_at_snapshots
    group by snapshot, customer_id
)

select * from final
