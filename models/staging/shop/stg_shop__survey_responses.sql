{#- One row per distinct raw survey answer; exact duplicates collapse
    (raw_row_count). -#}
with

source as (
    {{ raw_input('survey_responses') }}
),

collapsed as (
    select
        customer_id,
        attribute,
        value,
        count(*) as raw_row_count
    from source
    group by
        customer_id,
        attribute,
        value
),

parsed as (
    select
        {{ clean_id('customer_id') }} as customer_id,
        {{ clean_category('attribute') }} as attribute,
        {{ clean_category('value', blank_words=false) }} as answer,
        customer_id as raw_customer_id,
        attribute as raw_attribute,
        value as raw_value,
        raw_row_count
    from collapsed
),

final as (
    select
        {{ dbt.concat([
            "coalesce(raw_customer_id, '')",
            "'#'",
            "cast(row_number() over (partition by raw_customer_id "
            ~ "order by raw_attribute, raw_value) as " ~ dbt.type_string() ~ ")"
        ]) }} as survey_response_id,
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when attribute is null then 'missing_attribute'
            when answer is null then 'missing_value'
        end as rejection_reason
    from parsed
)

select * from final
