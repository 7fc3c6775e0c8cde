{#- Recency, frequency, monetary and order rhythm per customer, as of as_of_date.
    frequency counts orders that were not cancelled; monetary is the net revenue of
    completed lines (returned and cancelled lines excluded). -#}
with

orders as (
    select * from {{ ref('orders') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

aggregated as (
    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as order_count,
        {{ count_where("order_status <> 'cancelled'") }} as frequency,
        {{ count_where("order_status = 'completed'") }} as completed_order_count,
        {{ count_where("order_status = 'returned'") }} as returned_order_count,
        {{ count_where("order_status = 'cancelled'") }} as cancelled_order_count,
        sum(net_amount) as monetary,
        sum(gross_amount) as gross_amount,
        avg(line_count) as mean_lines_per_order
    from orders
    group by customer_id
),

final as (
    select
        aggregated.customer_id,
        aggregated.first_order_date,
        aggregated.last_order_date,
        {{ dbt.datediff(
            'aggregated.last_order_date', 'run_parameters.as_of_date', 'day'
        ) }} as recency_days,
        aggregated.frequency,
        cast(aggregated.monetary as {{ type_double() }}) as monetary,
        cast(
            case
                when aggregated.completed_order_count > 0
                    then aggregated.monetary / aggregated.completed_order_count
                else 0
            end as {{ type_double() }}
        ) as avg_order_value,
        {{ dbt.datediff(
            'aggregated.first_order_date', 'run_parameters.as_of_date', 'day'
        ) }} as tenure_days,
        cast(
            case
                when aggregated.order_count > 1
                    then {{ dbt.datediff(
                        'aggregated.first_order_date', 'aggregated.last_order_date', 'day'
                    ) }} * 1.0 / (aggregated.order_count - 1)
            end as {{ type_double() }}
        ) as mean_days_between_orders,
        cast(aggregated.mean_lines_per_order as {{ type_double() }})
            as mean_lines_per_order,
        aggregated.order_count,
        aggregated.completed_order_count,
        aggregated.returned_order_count,
        aggregated.cancelled_order_count,
        cast(aggregated.gross_amount as {{ type_double() }}) as gross_amount,
        cast(
            aggregated.returned_order_count
            * 1.0
            / aggregated.order_count as {{ type_double() }}
        )
            as return_rate,
        cast(
            aggregated.cancelled_order_count
            * 1.0
            / aggregated.order_count as {{ type_double() }}
        )
            as cancel_rate
    from aggregated
    cross join run_parameters
)

select * from final
