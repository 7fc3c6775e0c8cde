{#- One row per distinct raw customer record. Exact duplicates collapse (raw_row_count);
    conflicting records for one customer_id keep the most complete one and reject the rest.
    Direct identifiers (name, email, phone, street address) are read but never selected.
    Dates and income are parsed in the formats detected from the data or set by vars
    (macros/inputs/formats.sql; recorded in input_formats). -#}
{%- set birth_date_format = detect_date_format('customers', 'birth_date') %}
{%- set signed_up_at_format = detect_date_format('customers', 'signed_up_at') %}
{%- set income_separator = detect_decimal_separator(
    'customers', 'income')['separator'] %}
with

source as (
    {{ raw_input('customers') }}
),

collapsed as (
    select
        customer_id,
        birth_date,
        age,
        gender,
        income,
        occupation,
        education,
        marital_status,
        country,
        region,
        city,
        signed_up_at,
        -- identifiers take part in "exact duplicate" but are not kept
        {{ dbt.hash("coalesce(name, '') || '|' || coalesce(email, '') || '|' "
            ~ "|| coalesce(phone, '') || '|' || coalesce(street_address, '')") }}
            as identifier_fingerprint,
        count(*) as raw_row_count
    from source
    group by
        customer_id,
        birth_date,
        age,
        gender,
        income,
        occupation,
        education,
        marital_status,
        country,
        region,
        city,
        signed_up_at,
        name,
        email,
        phone,
        street_address
),

parsed as (
    select
        {{ clean_id('customer_id') }} as customer_id,
        cast(
            {{ parse_timestamp('birth_date', birth_date_format) }} as date
        ) as birth_date,
        {{ try_cast_as('trim(age)', dbt.type_int()) }} as age_reported,
        {{ clean_category('gender') }} as gender,
        {{ parse_amount('income', income_separator) }} as income,
        {{ clean_category('occupation') }} as occupation,
        {{ clean_category('education') }} as education,
        {{ clean_category('marital_status') }} as marital_status,
        {{ clean_text('country') }} as country,
        {{ clean_text('region') }} as region,
        {{ clean_text('city') }} as city,
        {{ parse_timestamp('signed_up_at', signed_up_at_format) }} as signed_up_at,
        customer_id as raw_customer_id,
        birth_date as raw_birth_date,
        age as raw_age,
        income as raw_income,
        signed_up_at as raw_signed_up_at,
        identifier_fingerprint,
        raw_row_count
    from collapsed
),

quality as (
    select
        *,
        {{ dbt.concat([
            "case when " ~ clean_text('raw_birth_date') ~ " is not null and birth_date is null"
            ~ " then 'unparseable_birth_date;' else '' end",
            "case when " ~ clean_text('raw_age') ~ " is not null and age_reported is null"
            ~ " then 'unparseable_age;' else '' end",
            "case when " ~ clean_text('raw_income') ~ " is not null and income is null"
            ~ " then 'unparseable_income;' else '' end",
            "case when " ~ clean_text('raw_signed_up_at') ~ " is not null"
            ~ " and signed_up_at is null then 'unparseable_signed_up_at;' else '' end",
        ]) }} as field_issues,
        (
            case
                when birth_date is not null or age_reported is not null then 1 else 0
            end
            + case when gender is not null then 1 else 0 end
            + case when income is not null then 1 else 0 end
            + case when occupation is not null then 1 else 0 end
            + case when education is not null then 1 else 0 end
            + case when marital_status is not null then 1 else 0 end
            + case when country is not null then 1 else 0 end
            + case when region is not null then 1 else 0 end
            + case when city is not null then 1 else 0 end
            + case when signed_up_at is not null then 1 else 0 end
        ) as filled_field_count
    from parsed
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by
                filled_field_count desc,
                signed_up_at desc,
                raw_birth_date asc,
                raw_income asc,
                raw_signed_up_at asc,
                gender asc,
                occupation asc,
                education asc,
                marital_status asc,
                country asc,
                region asc,
                city asc,
                identifier_fingerprint asc
        ) as record_rank
    from quality
),

final as (
    select
        {{ dbt.concat([
            "coalesce(raw_customer_id, '')",
            "'#'",
            "cast(row_number() over (partition by raw_customer_id order by "
            ~ "record_rank, identifier_fingerprint) as " ~ dbt.type_string() ~ ")"
        ]) }} as customer_record_id,
        customer_id,
        birth_date,
        age_reported,
        gender,
        income,
        occupation,
        education,
        marital_status,
        country,
        region,
        city,
        signed_up_at,
        nullif(field_issues, '') as field_issues,
        raw_customer_id,
        raw_birth_date,
        raw_age,
        raw_income,
        raw_signed_up_at,
        raw_row_count,
        record_rank,
        case
            when customer_id is null then 'missing_customer_id'
            when record_rank > 1 then 'superseded_duplicate_customer_id'
        end as rejection_reason
    from ranked
)

select * from final
