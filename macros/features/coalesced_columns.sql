{#- Every column of a relation except some, each as coalesce(alias.column, default):
    used to fill the counts and shares of customers absent from an optional input. -#}
{% macro coalesced_columns(relation, alias, except=[], default=0) -%}
    {%- if not execute or load_relation(relation) is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- for column in adapter.get_columns_in_relation(relation)
        if column.name | lower not in except %}
        coalesce({{ alias }}.{{ column.name }}, {{ default }}) as {{ column.name }},
    {%- endfor %}
{%- endmacro %}
