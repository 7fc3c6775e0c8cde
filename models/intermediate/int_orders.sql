{#- One row per valid order placed before as_of_date (the orders mart reads it).
    Returns: a line with a negative amount or quantity, or a return status, is a return
    (status_group 'returned'). gross_amount is what was bought (positive lines not
    cancelled), returned_amount what was given back (the size of every return line),
    net_amount = gross_amount - returned_amount. An order counts as a purchase
    (is_purchase) only when it has a completed line: an order of returns alone (a
    refund booked as its own order) is never a purchase.
    Most orders have one line: their figures are that line's, copied; only orders of
    several lines are aggregated (on 20M lines / 18M orders the aggregate was the cost,
    bench/RESULTS.md).
    With the var orders_incremental a build sums again only the orders
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
    select * from {{ ref('int_order_lines_clean') }}
    where {{ is_order_to_refresh('order_id') }}
),

line_figures as (
    select
        order_id,
        customer_id,
        ordered_at,
        quantity,
        channel,
        product_category,
        status_group,
        order_line_count,
        case
            when status_group <> 'cancelled' and amount > 0 then amount else 0
        end as gross_amount,
        case
            when status_group = 'returned' then abs(amount) else 0
        end as returned_amount
    from order_lines
),

one_line_orders as (
    select
        order_id,
        customer_id,
        ordered_at,
        cast(ordered_at as date) as order_date,
        cast(1 as {{ dbt.type_bigint() }}) as line_count,
        quantity,
        channel,
        cast(
            case when product_category is null then 0 else 1 end
            as {{ dbt.type_bigint() }}
        ) as category_count,
        gross_amount,
        returned_amount,
        gross_amount - returned_amount as net_amount,
        status_group = 'completed' as is_purchase,
        status_group as order_status
    from line_figures
    where order_line_count = 1
),

several_line_orders as (
    select
        order_id,
        -- one customer per order: int_order_lines_validated rejects shared order ids
        min(customer_id) as customer_id,
        min(ordered_at) as ordered_at,
        cast(min(ordered_at) as date) as order_date,
        count(*) as line_count,
        sum(quantity) as quantity,
        min(channel) as channel,
        {{ count_distinct('product_category') }} as category_count,
        sum(gross_amount) as gross_amount,
        sum(returned_amount) as returned_amount,
        sum(gross_amount) - sum(returned_amount) as net_amount,
        max(case when status_group = 'completed' then 1 else 0 end) = 1 as is_purchase,
        case
            when min(status_group) = 'cancelled' and max(status_group) = 'cancelled'
                then 'cancelled'
            when max(case when status_group = 'returned' then 1 else 0 end) = 1
                then 'returned'
            else 'completed'
        end as order_status
    from line_figures
    where order_line_count > 1
    group by order_id
),

final as (
    select * from one_line_orders
    union all
    select * from several_line_orders
)

select * from final
