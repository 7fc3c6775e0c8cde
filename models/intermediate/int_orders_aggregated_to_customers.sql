{#- Recency, frequency, monetary and order rhythm per customer and snapshot (as of
    as_of_date, and as of the backtest date): only orders before the snapshot's date
    count. frequency counts purchases (orders with a completed line; an order of
    returns alone, or of cancelled lines, is not one); monetary is the net revenue:
    gross_amount (what was bought) minus returned_amount (returns and refunds);
    return_rate is returned_amount / gross_amount (at most 1).
    With the var orders_incremental it is incremental: a build recomputes the
    customers customers_to_refresh names, and moves the others to the new dates. -#}
{%- set incremental = orders_incremental() %}
{%- set as_of = order_figures_as_of('', 'snapshot_date') %}
{{ config(
    materialized='incremental' if incremental else 'table',
    incremental_strategy='append',
    pre_hook="{{ delete_customers_to_refresh(this) }}",
    post_hook="{{ move_to_snapshot_dates(this, order_figures_as_of('stored.',
        'snapshots.snapshot_date')) }}",
) }}
with

orders as (
    select * from {{ ref('int_orders') }}
    where {{ customers_to_refresh(this)['condition'] }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

snapshot_dates as (
    select
        max(case when snapshot = 'current' then snapshot_date end)
            as current_snapshot_date,
        max(case when snapshot = 'backtest' then snapshot_date end)
            as backtest_snapshot_date
    from snapshots
),

-- one pass over the orders, both snapshots side by side
-- (macros/features/order_figures.sql)
aggregated_by_customer as (
    select
        orders.customer_id,
        {{ order_figures_before('current') }},
        {{ order_figures_before('backtest') }}
    from orders
    cross join snapshot_dates
    -- the backtest date is earlier: every order it counts is before as_of_date too
    where orders.order_date < snapshot_dates.current_snapshot_date
    group by orders.customer_id
),

aggregated as (
    {{ order_figures_of('current', 'aggregated_by_customer') }}

    union all

    {{ order_figures_of('backtest', 'aggregated_by_customer') }}
),

final as (
    select
        snapshot,
        customer_id,
        snapshot_date,
        first_order_date,
        last_order_date,
        {{ as_of['recency_days'] }} as recency_days,
        frequency,
        cast(monetary as {{ type_double() }}) as monetary,
        cast(
            case
                when frequency > 0
                    then monetary / frequency
                else 0
            end as {{ type_double() }}
        ) as avg_order_value,
        {{ as_of['tenure_days'] }} as tenure_days,
        cast(
            case
                when order_count > 1
                    then {{ dbt.datediff(
                        'first_order_date', 'last_order_date', 'day'
                    ) }} * 1.0e0 / (order_count - 1)
            end as {{ type_double() }}
        ) as mean_days_between_orders,
        cast(mean_lines_per_order as {{ type_double() }}) as mean_lines_per_order,
        order_count,
        returned_order_count,
        cancelled_order_count,
        cast(gross_amount as {{ type_double() }}) as gross_amount,
        cast(returned_amount as {{ type_double() }}) as returned_amount,
        cast(
            case
                when gross_amount > 0
                    then least(returned_amount / gross_amount, 1.0e0)
                when returned_amount > 0 then 1.0e0
                else 0.0e0
            end as {{ type_double() }}
        ) as return_rate,
        cast(cancelled_order_count * 1.0e0 / order_count as {{ type_double() }})
            as cancel_rate
    from aggregated
)

select * from final
