{#- Generic tests written here because dbt hub packages (dbt_utils) cannot be installed. -#}

{#- Every raw row of an input is accounted for: the rows of `model` (data_quality_summary)
    for source_table add up to the raw row count. The raw rows of customers to forget are
    counted as erased; once the erasure has purged them from the project's raw copies
    (on-run-end), the other raw rows must still add up to clean + rejected + duplicates,
    so a `dbt test` after an erasure holds too. Fails with the numbers. -#}
{% test reconciles_with_raw_input(model, entity, source_table) %}
with

raw_rows as (
    select
        count(*) as raw_row_count,
        coalesce(sum(
            case when {{ is_forgotten('raw_input.customer_id') }} then 1 else 0 end
        ), 0) as forgotten_row_count
    from ({{ raw_input(entity, include_forgotten=true) }}) as raw_input
),

accounted_rows as (
    select
        coalesce(sum(row_count), 0) as accounted_row_count,
        coalesce(sum(case when outcome = 'erased' then row_count else 0 end), 0)
            as erased_row_count
    from {{ model }}
    where source_table = '{{ source_table }}'
)

select
    raw_rows.raw_row_count,
    raw_rows.forgotten_row_count,
    accounted_rows.accounted_row_count,
    accounted_rows.erased_row_count
from raw_rows
cross join accounted_rows
where
    raw_rows.raw_row_count - raw_rows.forgotten_row_count
    <> accounted_rows.accounted_row_count - accounted_rows.erased_row_count
    or (
        raw_rows.forgotten_row_count <> accounted_rows.erased_row_count
        and raw_rows.forgotten_row_count <> 0
    )
{% endtest %}


{#- Values lie in [min_value, max_value] (either bound optional); nulls pass.
    optional=true: the column exists only for some inputs; the test passes without it. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, optional=false) %}
{%- set present = true -%}
{%- if optional and execute -%}
    {%- set names = adapter.get_columns_in_relation(model) | map(attribute='name')
        | map('lower') | list -%}
    {%- set present = column_name | lower in names -%}
{%- endif -%}
{%- if not present %}
select 1 as out_of_range_value where 1 = 0
{%- else %}
select {{ column_name }} as out_of_range_value
from {{ model }}
where
    {%- if min_value is not none %} {{ column_name }} < {{ min_value }}{% endif %}
    {%- if min_value is not none and max_value is not none %} or{% endif %}
    {%- if max_value is not none %} {{ column_name }} > {{ max_value }}{% endif %}
    {%- if min_value is none and max_value is none %} false{% endif %}
{%- endif %}
{% endtest %}


{#- Every row satisfies a SQL boolean expression. -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}


{#- The model has at least min_rows rows (an empty mart is a failed build, not a result). -#}
{% test has_rows(model, min_rows=1) %}
select row_count
from (select count(*) as row_count from {{ model }}) as counted
where row_count < {{ min_rows }}
{% endtest %}


{#- No two rows share the same values of the given columns (a compound key). -#}
{% test unique_columns(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
