{#- The columns to profile segments on: the core RFM columns that the features table has,
    plus every source column the fitted model selected. -#}
{% macro profile_features(features, preprocessing) -%}
    {%- set core = ['recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days'] -%}
    {%- if not execute or load_relation(preprocessing) is none
        or load_relation(features) is none -%}
        {{ return(core) }}
    {%- endif -%}
    {%- set present = adapter.get_columns_in_relation(features) | map(attribute='name')
        | map('lower') | list -%}
    {%- set query -%}
        select distinct source_column
        from {{ preprocessing }}
        where is_selected and transform <> 'missing_indicator'
        order by source_column
    {%- endset -%}
    {%- set columns = [] -%}
    {%- for column in core + (run_query(query).columns[0].values() | list) -%}
        {%- if column | lower in present and column not in columns -%}
            {%- do columns.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
