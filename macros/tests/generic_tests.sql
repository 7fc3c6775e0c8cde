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


{#- An input the build can use, said in one sentence when it is not.
    mode='stop': the input (a staging model: raw_row_count, rejection_reason, raw_*) is
    empty, or every row of it is rejected: a compilation error stops the build at once
    with the input, the counts, the main reason with an example raw value and the var
    that fixes it. mode='warn': more than the var max_rejected_share of its rows are
    rejected: the same sentence as a warning and a failing row (run it with severity
    warn, and the build carries on). An input the run does not have passes. -#}
{% test input_is_usable(model, entity, mode='stop') %}
{%- set ok = 'select 1 as problem where 1 = 0' -%}
{%- if input_origin(entity) == 'absent' -%}
    {{ return(ok) }}
{%- endif -%}
{%- set spec = input_spec(entity) -%}
{#- also at parse time, so the test depends on the raw seed it names -#}
{%- set where = input_column_names(entity)['where'] -%}
{%- if not execute -%}
    {{ return(ok) }}
{%- endif -%}
{%- set counts = run_query(
    "select coalesce(sum(raw_row_count), 0), "
    ~ "coalesce(sum(case when rejection_reason is not null then raw_row_count end), 0) "
    ~ "from " ~ model).rows[0] -%}
{%- set total, rejected = counts[0] | int, counts[1] | int -%}
{%- set threshold = var('max_rejected_share', 0.2) | float -%}
{%- if total == 0 -%}
    {%- if mode == 'stop' -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ entity ~ " input '" ~ where ~ "' has no rows (a header only, or every "
            ~ "row belongs to a customer to forget). Point the var " ~ spec['path_var']
            ~ " at a file with your " ~ entity ~ ".") }}
    {%- endif -%}
    {{ return(ok) }}
{%- endif -%}
{%- if mode == 'stop' and rejected < total -%}{{ return(ok) }}{%- endif -%}
{%- if mode == 'warn' and (rejected / total <= threshold or rejected == total) -%}
    {{ return(ok) }}
{%- endif -%}
{%- set reason = run_query(
    "select rejection_reason, sum(raw_row_count) as row_count from " ~ model
    ~ " where rejection_reason is not null group by rejection_reason "
    ~ "order by row_count desc, rejection_reason limit 1").rows[0] -%}
{%- set column = reason[0] | replace('unparseable_', '') | replace('missing_', '')
    | replace('zero_', '') | replace('_in_the_future', '_at')
    | replace('superseded_duplicate_', '') -%}
{%- set column_names = adapter.get_columns_in_relation(model) | map(attribute='name')
    | map('lower') | list -%}
{%- set example = none -%}
{%- if 'raw_' ~ column in column_names -%}
    {%- set found = run_query(
        "select raw_" ~ column ~ " from " ~ model ~ " where rejection_reason = '"
        ~ reason[0] ~ "' order by raw_" ~ column ~ " nulls last limit 1").rows -%}
    {%- set example = found[0][0] if found else none -%}
{%- endif -%}
{%- if column in ['ordered_at', 'occurred_at'] -%}
    {%- set fix = "the var date_format (a strftime format such as '%d/%m/%Y %H:%M')" -%}
{%- elif column == 'amount' -%}
    {%- set fix = "the var decimal_separator ('.' or ','), or " ~ spec['columns_var']
        ~ " if another column holds the amount" -%}
{%- else -%}
    {%- set fix = "the var " ~ spec['columns_var'] ~ " (which of your columns holds "
        ~ column ~ "?)" -%}
{%- endif -%}
{%- set sentence = "The " ~ entity ~ " input '" ~ where ~ "': "
    ~ ("every one of its " ~ format_number(total) ~ " rows was rejected"
       if rejected == total else
       format_number(rejected) ~ " of its " ~ format_number(total) ~ " rows ("
       ~ ((100.0 * rejected / total) | round(1)) ~ "%, above max_rejected_share "
       ~ threshold ~ ") were rejected")
    ~ "; the main reason is " ~ reason[0] ~ " (" ~ format_number(reason[1]) ~ " rows"
    ~ (", e.g. '" ~ example ~ "'" if example is not none else "") ~ "). "
    ~ "Check " ~ fix ~ "; rejected_" ~ entity
    ~ " lists every rejected row." -%}
{%- if mode == 'stop' -%}
    {{ exceptions.raise_compiler_error(sentence) }}
{%- endif -%}
{%- do exceptions.warn(sentence) -%}
select '{{ sentence | replace("'", "''") }}' as problem
{% endtest %}


{#- dbt's unique, made for the incremental order tables (var orders_incremental): a
    build that read only new files checks only the keys it wrote
    (keys_written_by_this_build). Every copy of a duplicated key carries the key, so
    a duplicate among them is still found; the keys the build kept were checked when
    they were written and are unchanged. Without the var, or when a build wrote every
    row, every key is checked. -#}
{% test unique_incremental(model, column_name, written) %}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where
    {{ column_name }} is not null
    and {{ keys_written_by_this_build(model, column_name, written) }}
group by {{ column_name }}
having count(*) > 1
{% endtest %}
