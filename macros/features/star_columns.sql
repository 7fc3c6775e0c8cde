{#- The columns of a relation as `alias.column` list (dbt_utils.star, which cannot be
    installed here). At parse time, or before the relation exists, `alias.*`. -#}
{% macro star_columns(relation, relation_alias, except=[]) -%}
    {%- if not execute or load_relation(relation) is none -%}
        {{ return(relation_alias ~ '.*') }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation)
        if column.name | lower not in except -%}
        {%- do names.append(relation_alias ~ '.' ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{ return(names | join(',\n        ')) }}
{%- endmacro %}
