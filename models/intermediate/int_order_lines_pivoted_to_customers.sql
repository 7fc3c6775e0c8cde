{#- Product-category mix per customer and snapshot: the share of their order lines
    before the snapshot's date in each of the most common categories
    (max_pivot_columns), the rest in category_share_other. Only built from the column
    when the orders input has product_category. -#}
{%- set has_category = input_has_column('orders', 'product_category') -%}
with

order_lines as (
    select * from {{ ref('int_order_lines_clean') }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

lines_at_snapshots as (
    select
        snapshots.snapshot,
        order_lines.*
    from order_lines
    inner join snapshots
        on cast(order_lines.ordered_at as date) < snapshots.snapshot_date
),

final as (
    select
        snapshot,
        customer_id,
        {{ share_columns(
            ref('int_order_lines_validated'), 'product_category', 'category_share'
        ) if has_category }}
        count(*) as line_count
    from lines_at_snapshots
    group by snapshot, customer_id
)

select * from final
