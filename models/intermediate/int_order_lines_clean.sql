{#- The one definition of a clean order line: a line of int_order_lines_validated
    without a rejection_reason (parsed, valid, before as_of_date, not erased, its order
    consistent). Every model that aggregates order lines reads this. -#}
{{ config(materialized='ephemeral') }}

with

order_lines as (
    select * from {{ ref('int_order_lines_validated') }}
),

final as (
    select * from order_lines
    where rejection_reason is null
)

select * from final
