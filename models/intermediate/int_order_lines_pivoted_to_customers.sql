{#- Product-category mix per customer: the share of their order lines in each of the
    most common categories (max_pivot_columns), the rest in category_share_other.
    Only built from the column when the orders input has product_category. -#}
{%- set has_category = input_has_column('orders', 'product_category') -%}
with

order_lines as (
    select * from {{ ref('int_order_lines_validated') }}
    where rejection_reason is null
),

final as (
    select
        customer_id,
        {{ share_columns(
            ref('int_order_lines_validated'), 'product_category', 'category_share'
        ) if has_category }}
        count(*) as line_count
    from order_lines
    group by customer_id
)

select * from final
