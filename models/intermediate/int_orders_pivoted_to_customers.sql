{#- Channel mix per customer: the share of their orders placed in each channel.
    Only built from the column when the orders input has channel. -#}
{%- set has_channel = input_has_column('orders', 'channel') -%}
with

orders as (
    select * from {{ ref('orders') }}
),

final as (
    select
        customer_id,
        {{ share_columns(ref('orders'), 'channel', 'channel_share') if has_channel }}
        count(*) as order_count
    from orders
    group by customer_id
)

select * from final
