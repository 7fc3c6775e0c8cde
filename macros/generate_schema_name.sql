{#- Use the configured schema name as is (staging, intermediate, main, raw) instead of
    prefixing it with the target schema, so BI users find the marts in `main`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
