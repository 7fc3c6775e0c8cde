{#- Rows of data_quality_summary for one raw input: clean rows, rejected rows by reason,
    exact duplicate rows collapsed in staging, and rows erased on request (a count only).
    Together they add up to the raw rows. -#}
{% macro data_quality_rows(
    source_table, entity, staging_model, clean_model, rejected_model
) -%}
    select
        '{{ source_table }}' as source_table,
        'clean' as outcome,
        cast(null as {{ dbt.type_string() }}) as reason,
        cast(count(*) as {{ dbt.type_bigint() }}) as row_count
    from {{ ref(clean_model) }}
    where rejection_reason is null
    union all
    select
        '{{ source_table }}' as source_table,
        'rejected' as outcome,
        rejection_reason as reason,
        cast(count(*) as {{ dbt.type_bigint() }}) as row_count
    from {{ ref(rejected_model) }}
    group by rejection_reason
    union all
    select
        '{{ source_table }}' as source_table,
        'duplicate_collapsed' as outcome,
        'exact_duplicate_row' as reason,
        cast(coalesce(sum(raw_row_count - 1), 0) as {{ dbt.type_bigint() }}) as row_count
    from {{ ref(staging_model) }}
    union all
    select
        '{{ source_table }}' as source_table,
        'erased' as outcome,
        'erasure_request' as reason,
        cast(count(*) as {{ dbt.type_bigint() }}) as row_count
    from ({{ raw_input(entity, include_forgotten=true) }}) as raw_rows
    where {{ is_forgotten('raw_rows.customer_id') }}
{%- endmacro %}
