{#- A cluster-quality gate: the column of a one-row quality table must be at least
    (bound='min') or at most (bound='max') the dbt var var_name. A missing value fails
    too (the metric could not be computed). On failure the test logs a sentence saying
    what was measured, the threshold and the var to change, and returns it as a row.
    only_when: optional SQL condition; rows where it is false are not gated.
    advice: what to do, in the logged sentence. -#}
{% test quality_gate(
    model, column_name, var_name, bound='min', only_when=none,
    advice='Look at segment_model_candidates'
) %}
{%- set threshold = var(var_name) | float -%}
{%- set comparison = '<' if bound == 'min' else '>' -%}
{%- set wording = 'below the minimum' if bound == 'min' else 'above the maximum' -%}
{%- set failing -%}
    select {{ column_name }} as observed_value
    from {{ model }}
    where ({{ column_name }} is null or {{ column_name }} {{ comparison }} {{ threshold }})
    {%- if only_when %} and ({{ only_when }}){% endif %}
{%- endset -%}
{%- if execute -%}
    {%- for row in run_query(failing).rows -%}
        {{ log(
            "Quality gate " ~ var_name ~ " failed: " ~ column_name ~ " is "
            ~ (row[0] if row[0] is not none else "not available") ~ ", " ~ wording ~ " "
            ~ threshold ~ ". " ~ advice ~ ", or tune the var " ~ var_name
            ~ " (dbt build --vars '{" ~ var_name ~ ": ...}').", info=true) }}
    {%- endfor -%}
{%- endif %}
select
    observed_value,
    {{ threshold }} as threshold,
    '{{ column_name }} {{ wording }} {{ threshold }} (var {{ var_name }})' as gate_message
from ({{ failing }}) as failing_rows
{% endtest %}


{#- The model has exactly as many rows as another (e.g. every customer scored once). -#}
{% test row_count_matches(model, compare_model) %}
select model_rows, compare_rows
from (select count(*) as model_rows from {{ model }}) as counted_model
cross join (select count(*) as compare_rows from {{ compare_model }}) as counted_compare
where model_rows <> compare_rows
{% endtest %}
