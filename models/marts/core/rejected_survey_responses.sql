{#- Every raw survey row that was not used, with the reason. -#}
with

survey_responses as (
    select * from {{ ref('stg_shop__survey_responses') }}
    where rejection_reason is not null
),

final as (
    select
        survey_response_id,
        rejection_reason,
        raw_customer_id as customer_id,
        raw_attribute as attribute,
        raw_value as value,
        raw_row_count
    from survey_responses
)

select * from final
