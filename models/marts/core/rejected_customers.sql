{#- Every raw customer record that did not become a clean customer, with the reason.
    Direct identifiers are not carried here either. -#}
with

customers as (
    select * from {{ ref('stg_shop__customers') }}
    where rejection_reason is not null
),

final as (
    select
        customer_record_id,
        rejection_reason,
        raw_customer_id as customer_id,
        raw_birth_date as birth_date,
        raw_income as income,
        raw_signed_up_at as signed_up_at,
        gender,
        country,
        region,
        city,
        raw_row_count
    from customers
)

select * from final
