{#- A value turned into a safe column-name suffix: lower case, [a-z0-9_] only. -#}
{% macro to_identifier(value) -%}
    {%- set cleaned = modules.re.sub('[^a-z0-9]+', '_', value | string | lower) | trim('_') -%}
    {{ return(cleaned if cleaned else 'blank') }}
{%- endmacro %}


{#- The most frequent non-null values of a column (at most max_values), most frequent
    first, ties by value; [] at parse time or before the relation exists. -#}
{% macro top_values(relation, column, max_values) -%}
    {%- if not execute or load_relation(relation) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select {{ column }} as value, count(*) as row_count
        from {{ relation }}
        where {{ column }} is not null
        group by {{ column }}
        order by row_count desc, value
        limit {{ max_values | int }}
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}


{#- Share columns, one per top value: avg(case when column = value then weight ...).
    Values outside the top ones (and nulls) go to <prefix>_other when there are any. -#}
{% macro share_columns(relation, column, prefix, max_values=none) -%}
    {%- set limit = max_values or var('max_pivot_columns', 8) -%}
    {%- set values = top_values(relation, column, limit) -%}
    {%- set names = [] -%}
    {%- for value in values %}
        {%- set name = prefix ~ '_' ~ to_identifier(value) -%}
        {%- if name in names -%}{%- set name = name ~ '_' ~ loop.index -%}{%- endif -%}
        {%- do names.append(name) %}
        cast(avg(case when {{ column }} = '{{ value | replace("'", "''") }}' then 1 else 0 end)
            as {{ type_double() }}) as {{ name }},
    {%- endfor %}
    {%- if values %}
        cast(avg(case when {{ column }} is null or {{ column }} not in (
            {%- for value in values -%}
                '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ) then 1 else 0 end) as {{ type_double() }}) as {{ prefix }}_other,
    {%- endif %}
{%- endmacro %}


{#- Count columns, one per top value: sum(case when column = value then 1 ...). -#}
{% macro count_columns(relation, column, prefix, max_values=none) -%}
    {%- set limit = max_values or var('max_pivot_columns', 8) -%}
    {%- set names = [] -%}
    {%- for value in top_values(relation, column, limit) %}
        {%- set name = prefix ~ '_' ~ to_identifier(value) -%}
        {%- if name in names -%}{%- set name = name ~ '_' ~ loop.index -%}{%- endif -%}
        {%- do names.append(name) %}
        sum(case when {{ column }} = '{{ value | replace("'", "''") }}' then 1 else 0 end)
            as {{ name }},
    {%- endfor %}
{%- endmacro %}
