{#- Recency, frequency, monetary and order rhythm per customer and snapshot (as of
    as_of_date, and as of the backtest date): only orders before the snapshot's date
    count. frequency counts purchases (orders with a completed line; an order of
    returns alone, or of cancelled lines, is not one); monetary is the net revenue:
    gross_amount (what was bought) minus returned_amount (returns and refunds);
    return_rate is returned_amount / gross_amount (at most 1). -#}
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
        snapshots.snapshot_date,
        orders.*
    from orders
    inner join snapshots
        on orders.order_date < snapshots.snapshot_date
),

aggregated as (
    select
        snapshot,
        customer_id,
        min(snapshot_date) as snapshot_date,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as order_count,
        {{ count_where("is_purchase") }} as frequency,
        {{ count_where("order_status = 'returned'") }} as returned_order_count,
        {{ count_where("order_status = 'cancelled'") }} as cancelled_order_count,
        sum(net_amount) as monetary,
        sum(gross_amount) as gross_amount,
        sum(returned_amount) as returned_amount,
        avg(line_count) as mean_lines_per_order
    from orders_at_snapshots
    group by snapshot, customer_id
),

final as (
    select
        snapshot,
        customer_id,
        snapshot_date,
        first_order_date,
        last_order_date,
        {{ days_between('last_order_date', 'snapshot_date') }} as recency_days,
        frequency,
        cast(monetary as {{ type_double() }}) as monetary,
        cast(
            case
                when frequency > 0
                    then monetary / frequency
                else 0
            end as {{ type_double() }}
        ) as avg_order_value,
        {{ days_between('first_order_date', 'snapshot_date') }} as tenure_days,
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
