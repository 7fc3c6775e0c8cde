{#- Clean order lines with the checks that need more than one row: an order_id used by
    two customers, and orders placed on or after as_of_date (point in time). The order's
    figures come from one window over the lines of each order, not an aggregate joined
    back (31 s instead of 46 s on 20M lines, bench/RESULTS.md).
    With the var orders_incremental a build checks again only the orders
    int_orders_to_refresh names (their rows are deleted first, by the pre-hook). -#}
{%- set incremental = orders_incremental() %}
{{ config(
    materialized='incremental' if incremental else 'table',
    incremental_strategy='append',
    pre_hook="{{ delete_orders_to_refresh(this) }}",
) }}
-- depends_on: {{ ref('int_orders_to_refresh') }}
with

order_lines as (
    select * from {{ ref('stg_shop__order_lines') }}
    where
        rejection_reason is null
        and {{ is_order_to_refresh('order_id') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

order_checks as (
    select
        *,
        -- min <> max: cheaper than count(distinct), same answer
        min(customer_id) over order_window as min_customer_id,
        max(customer_id) over order_window as max_customer_id,
        min(ordered_at) over order_window as first_line_ordered_at,
        count(*) over order_window as order_line_count
    from order_lines
    window order_window as (partition by order_id)
),

final as (
    select
        order_checks.order_line_id,
        order_checks.order_id,
        order_checks.customer_id,
        order_checks.first_line_ordered_at as ordered_at,
        order_checks.amount,
        order_checks.quantity,
        order_checks.product_category,
        order_checks.channel,
        order_checks.status,
        order_checks.status_group,
        order_checks.raw_row_count,
        order_checks.order_line_count,
        {% if incremental -%}
            run_parameters.as_of_date as checked_as_of_date,
        {% endif -%}
        case
            when order_checks.min_customer_id <> order_checks.max_customer_id
                then 'order_id_shared_by_customers'
            when cast(order_checks.first_line_ordered_at as date)
                >= run_parameters.as_of_date
                then 'after_as_of_date'
        end as rejection_reason
    from order_checks
    cross join run_parameters
)

select * from final
