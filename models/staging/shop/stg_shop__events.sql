{#- One row per distinct raw engagement event; exact duplicates collapse
    (raw_row_count). occurred_at is parsed in the date format detected from the data or
    set by the var date_format (macros/inputs/formats.sql). -#}
{%- set date_format = detect_date_format('events', 'occurred_at') %}
with

source as (
    {{ raw_input('events') }}
),

collapsed as (
    select
        customer_id,
        occurred_at,
        event_type,
        count(*) as raw_row_count
    from source
    group by
        customer_id,
        occurred_at,
        event_type
),

parsed as (
    select
        {{ clean_id('customer_id') }} as customer_id,
        {{ parse_timestamp('occurred_at', date_format) }} as occurred_at,
        {{ clean_category('event_type') }} as event_type,
        customer_id as raw_customer_id,
        occurred_at as raw_occurred_at,
        event_type as raw_event_type,
        raw_row_count
    from collapsed
),

final as (
    select
        {{ dbt.concat([
            "coalesce(raw_customer_id, '')",
            "'#'",
            "cast(row_number() over (partition by raw_customer_id "
            ~ "order by raw_occurred_at, raw_event_type) as " ~ dbt.type_string() ~ ")"
        ]) }} as event_id,
        *,
        case
            when customer_id is null then 'missing_customer_id'
            when {{ clean_text('raw_occurred_at') }} is null then 'missing_occurred_at'
            when occurred_at is null then 'unparseable_occurred_at'
            when
                occurred_at > {{ dbt.current_timestamp() }}
                then 'occurred_in_the_future'
            when event_type is null then 'missing_event_type'
        end as rejection_reason
    from parsed
)

select * from final
