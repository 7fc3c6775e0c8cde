{#- One row per valid order placed before as_of_date. -#}
with

orders as (
    select * from {{ ref('int_orders') }}
),

final as (
    select * from orders
)

select * from final
