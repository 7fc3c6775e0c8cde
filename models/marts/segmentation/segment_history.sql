{{
    config(
        materialized='incremental',
        on_schema_change='append_new_columns',
        post_hook="{{ purge_forgotten_customers(this) }}",
        **history_table_config(unique_key=['customer_id', 'as_of_date'])
    )
}}
{#- Each customer's segment at every as_of_date built so far. Incremental: a build adds
    (or, for an as_of_date already present, replaces) one snapshot and never rewrites
    the others. `dbt build --full-refresh` starts the history again. -#}
-- depends_on: {{ ref('customers_to_forget') }}
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

final as (
    select
        {{ dbt.concat([
            "customer_segments.customer_id",
            "'@'",
            "cast(customer_segments.as_of_date as " ~ dbt.type_string() ~ ")",
        ]) }} as segment_history_id,
        customer_segments.customer_id,
        customer_segments.as_of_date,
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_segments.rfm_segment,
        customer_features.monetary
    from customer_segments
    inner join customer_features
        on customer_segments.customer_id = customer_features.customer_id
)

select * from final
