{#- What each customer known at the backtest date did next: purchases (orders with a
    completed line) and net revenue in [backtest_as_of_date, as_of_date). One row per
    customer with a valid order before the backtest date; empty when the backtest is
    skipped. -#}
with

orders as (
    select * from {{ ref('int_orders') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
    where backtest_as_of_date is not null
),

known_customers as (
    select distinct orders.customer_id
    from orders
    cross join run_parameters
    where orders.order_date < run_parameters.backtest_as_of_date
),

future_orders as (
    select
        orders.customer_id,
        {{ count_where("orders.is_purchase") }} as future_orders,
        sum(orders.net_amount) as future_revenue
    from orders
    cross join run_parameters
    where
        orders.order_date >= run_parameters.backtest_as_of_date
        and orders.order_date < run_parameters.as_of_date
    group by orders.customer_id
),

final as (
    select
        known_customers.customer_id,
        run_parameters.backtest_as_of_date,
        run_parameters.as_of_date as outcome_end_date,
        run_parameters.backtest_horizon_days,
        cast(coalesce(future_orders.future_orders, 0) as {{ dbt.type_bigint() }})
            as future_orders,
        cast(coalesce(future_orders.future_revenue, 0) as {{ type_double() }})
            as future_revenue,
        coalesce(future_orders.future_orders, 0) > 0 as bought_again
    from known_customers
    cross join run_parameters
    left join future_orders
        on known_customers.customer_id = future_orders.customer_id
)

select * from final
