{#- The project's tables outside schema raw with a column of one of these names:
    (table_schema, table_name, column_name) rows, none when the privacy rule holds. -#}
{% macro columns_named_like_identifiers(names) -%}
    {{ return(adapter.dispatch('columns_named_like_identifiers', 'segmentation')(names)) }}
{%- endmacro %}

{% macro default__columns_named_like_identifiers(names) -%}
select
    table_schema,
    table_name,
    column_name
from information_schema.columns
where
    lower(table_schema) <> 'raw'
    and lower(table_catalog) = lower('{{ target.database }}')
    and lower(column_name) in ('{{ names | join("', '") }}')
{%- endmacro %}

{#- Spark has no information_schema: the project's relations are listed from the graph
    and their columns read while compiling. -#}
{% macro spark__columns_named_like_identifiers(names) -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type in ['model', 'seed', 'snapshot']
            and node.schema | lower != 'raw'
            and node.config.materialized != 'ephemeral' -%}
            {%- set relation = adapter.get_relation(
                database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- if relation is not none -%}
                {%- for column in adapter.get_columns_in_relation(relation)
                    if column.name | lower in names -%}
                    {%- do found.append((node.schema, node.alias, column.name)) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for table_schema, table_name, column_name in found %}
select
    '{{ table_schema }}' as table_schema,
    '{{ table_name }}' as table_name,
    '{{ column_name }}' as column_name
union all
    {%- endfor %}
select
    cast(null as {{ dbt.type_string() }}) as table_schema,
    cast(null as {{ dbt.type_string() }}) as table_name,
    cast(null as {{ dbt.type_string() }}) as column_name
where 1 = 0
{%- endmacro %}
