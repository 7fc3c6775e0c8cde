{#- Every raw order row that did not become a clean order line, with the reason. -#}
with

staging_rejections as (
    select * from {{ ref('stg_shop__order_lines') }}
    where rejection_reason is not null
),

validation_rejections as (
    select * from {{ ref('int_order_lines_validated') }}
    where rejection_reason is not null
),

staged_lines as (
    select * from {{ ref('stg_shop__order_lines') }}
),

rejected as (
    select
        order_line_id,
        rejection_reason
    from staging_rejections
    union all
    select
        order_line_id,
        rejection_reason
    from validation_rejections
),

final as (
    select
        rejected.order_line_id,
        rejected.rejection_reason,
        staged_lines.raw_order_id as order_id,
        staged_lines.raw_customer_id as customer_id,
        staged_lines.raw_ordered_at as ordered_at,
        staged_lines.raw_amount as amount,
        staged_lines.raw_quantity as quantity,
        staged_lines.raw_product_category as product_category,
        staged_lines.raw_channel as channel,
        staged_lines.raw_status as status,
        staged_lines.raw_row_count
    from rejected
    inner join staged_lines
        on rejected.order_line_id = staged_lines.order_line_id
)

select * from final
