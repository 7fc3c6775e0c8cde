{#- One row per valid order placed before as_of_date (the orders mart reads it).
    Returns: a line with a negative amount or quantity, or a return status, is a return
    (status_group 'returned'). gross_amount is what was bought (positive lines not
    cancelled), returned_amount what was given back (the size of every return line),
    net_amount = gross_amount - returned_amount. An order counts as a purchase
    (is_purchase) only when it has a completed line: an order of returns alone (a
    refund booked as its own order) is never a purchase. -#}
with

order_lines as (
    select * from {{ ref('int_order_lines_clean') }}
),

final as (
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
        sum(
            case when status_group <> 'cancelled' and amount > 0 then amount else 0 end
        ) as gross_amount,
        sum(case when status_group = 'returned' then abs(amount) else 0 end)
            as returned_amount,
        sum(
            case when status_group <> 'cancelled' and amount > 0 then amount else 0 end
        )
        - sum(case when status_group = 'returned' then abs(amount) else 0 end)
            as net_amount,
        max(case when status_group = 'completed' then 1 else 0 end) = 1 as is_purchase,
        case
            when min(status_group) = 'cancelled' and max(status_group) = 'cancelled'
                then 'cancelled'
            when max(case when status_group = 'returned' then 1 else 0 end) = 1
                then 'returned'
            else 'completed'
        end as order_status
    from order_lines
    group by order_id
)

select * from final
