{#- Clean order lines with the checks that need more than one row: an order_id used by
    two customers, and orders placed on or after as_of_date (point in time). -#}
with

order_lines as (
    select * from {{ ref('stg_shop__order_lines') }}
    where rejection_reason is null
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

order_checks as (
    select
        order_id,
        -- min <> max: cheaper than count(distinct) on 20M lines, same answer
        min(customer_id) as min_customer_id,
        max(customer_id) as max_customer_id,
        min(ordered_at) as first_line_ordered_at
    from order_lines
    group by order_id
),

final as (
    select
        order_lines.order_line_id,
        order_lines.order_id,
        order_lines.customer_id,
        order_checks.first_line_ordered_at as ordered_at,
        order_lines.amount,
        order_lines.quantity,
        order_lines.product_category,
        order_lines.channel,
        order_lines.status,
        order_lines.status_group,
        order_lines.raw_row_count,
        case
            when order_checks.min_customer_id <> order_checks.max_customer_id
                then 'order_id_shared_by_customers'
            when cast(order_checks.first_line_ordered_at as date)
                >= run_parameters.as_of_date
                then 'after_as_of_date'
        end as rejection_reason
    from order_lines
    inner join order_checks
        on order_lines.order_id = order_checks.order_id
    cross join run_parameters
)

select * from final
