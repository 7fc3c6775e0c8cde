{#- A cast that yields null instead of failing on a value it cannot parse.
    dbt.safe_cast compiles to a plain (raising) cast on DuckDB, so we dispatch our own. -#}
{% macro try_cast_as(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_as', 'segmentation')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast_as(expression, data_type) -%}
    cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro duckdb__try_cast_as(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro spark__try_cast_as(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro snowflake__try_cast_as(expression, data_type) -%}
    try_cast(cast({{ expression }} as varchar) as {{ data_type }})
{%- endmacro %}

{% macro bigquery__try_cast_as(expression, data_type) -%}
    safe_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{#- Blank-like text ('', 'null', 'none', 'n/a', 'nan', 'unknown') becomes null; the rest
    is trimmed. Used for identifiers and free-text inputs. With blank_words=false only
    empty text is null (for answers where 'none' is a real value). The length test first
    spares the lower() and the list on every longer value (with clean_id's guard below:
    3.5 -> 1.5 s of one thread per 20 million ids, bench/RESULTS.md, session 12). -#}
{% macro clean_text(column_name, lowercase=false, blank_words=true) -%}
    {%- set words = blank_words_list() -%}
    case
        {%- if blank_words %}
        when
            length(trim({{ column_name }})) <= {{ words | map('length') | max }}
            and lower(trim({{ column_name }})) in ('{{ words | join("', '") }}')
            then null
        {%- else %}
        when trim({{ column_name }}) = '' then null
        {%- endif %}
        else {% if lowercase %}lower(trim({{ column_name }})){% else %}trim({{ column_name }}){% endif %}
    end
{%- endmacro %}


{#- The words clean_text reads as blank, in lower case. -#}
{% macro blank_words_list() -%}
    {{ return(['', 'null', 'none', 'n/a', 'na', 'nan', 'unknown']) }}
{%- endmacro %}


{#- An identifier as text, the same way for every input, so joins between orders,
    customers, events and the erasure list never miss: clean_text, and a whole number
    written as a float ('12345.0', what pandas makes of an integer id column with a
    gap) loses its '.0'. Integer and unsigned ids arrive as their digits (raw_input casts
    every column to text). -#}
{% macro clean_id(column_name) -%}
    {{ return(adapter.dispatch('clean_id', 'segmentation')(column_name)) }}
{%- endmacro %}

{% macro default__clean_id(column_name) -%}
    regexp_replace({{ clean_text(column_name) }}, '^([0-9]+)[.]0+$', '$1')
{%- endmacro %}

{#- A value without a '.' cannot be a float-written integer: the regular expression
    runs only on the values with one. -#}
{% macro duckdb__clean_id(column_name) -%}
    case
        when contains({{ column_name }}, '.')
            then regexp_replace({{ clean_text(column_name) }}, '^([0-9]+)[.]0+$', '\1')
        else {{ clean_text(column_name) }}
    end
{%- endmacro %}


{#- Categorical text: trimmed, lower case, inner spaces and dashes as underscores. -#}
{% macro clean_category(column_name, blank_words=true) -%}
    replace(
        replace({{ clean_text(column_name, lowercase=true, blank_words=blank_words) }}, ' ', '_'),
        '-',
        '_'
    )
{%- endmacro %}


{#- Number of rows where a condition holds, as a plain bigint (sum() of ints widens). -#}
{% macro count_where(condition) -%}
    cast(sum(case when {{ condition }} then 1 else 0 end) as {{ dbt.type_bigint() }})
{%- endmacro %}


{#- Distinct non-null values of an expression within a group. DuckDB plans
    count(distinct) as a second aggregation joined back; collecting the group's values
    and counting the unique ones gives the same number 3x faster (measured on 18M orders
    in bench/RESULTS.md). -#}
{% macro count_distinct(expression) -%}
    {{ return(adapter.dispatch('count_distinct', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__count_distinct(expression) -%}
    count(distinct {{ expression }})
{%- endmacro %}

{% macro duckdb__count_distinct(expression) -%}
    cast(list_unique(list({{ expression }})) as {{ dbt.type_bigint() }})
{%- endmacro %}


{#- An 8-byte float. type_double() is 'float', a 4-byte REAL on DuckDB, which would
    round money and break SQL/Python agreement. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'segmentation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro duckdb__type_double() -%}double{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}

{% macro bigquery__type_double() -%}float64{%- endmacro %}


{#- Float aggregates (sum, avg, stddev) computed by several threads can differ in the
    last bits from run to run, because addition order changes; on sums in the millions
    that is already ~1e-9. Rounding to 6 decimals makes the published figures identical
    on every run (money needs 2). -#}
{% macro stable_float(expression) -%}
    round(cast({{ expression }} as {{ type_double() }}), 6)
{%- endmacro %}


{#- An expression cast to an 8-byte float. -#}
{% macro as_double(expression) -%}
    cast({{ expression }} as {{ type_double() }})
{%- endmacro %}


{#- A whole number as text with thousands separators (9559 -> '9,559'); plain digits on
    engines without a formatting function. -#}
{% macro format_count(expression) -%}
    {{ return(adapter.dispatch('format_count', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__format_count(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro duckdb__format_count(expression) -%}
    format('{:,}', cast({{ expression }} as bigint))
{%- endmacro %}

{% macro spark__format_count(expression) -%}
    format_number(cast({{ expression }} as bigint), 0)
{%- endmacro %}


{#- ln(Gamma(x)) for x > 0 (DuckDB and most engines: lgamma). -#}
{% macro log_gamma(expression) -%}
    {{ return(adapter.dispatch('log_gamma', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__log_gamma(expression) -%}
    lgamma({{ expression }})
{%- endmacro %}

{#- Spark has no lgamma (and reflect() into Commons Math is non-deterministic, which
    Spark refuses inside an aggregate): the Lanczos approximation (g = 7, 9 terms),
    relative error below 1e-13 for x >= 0.5, with the reflection formula below. -#}
{% macro spark__log_gamma(expression) -%}
    {%- set x = '(' ~ expression ~ ')' -%}
    case
        when {{ x }} < 0.5e0
            then ln(pi() / abs(sin(pi() * {{ x }})))
                - {{ lanczos_log_gamma_plus_one('(-' ~ x ~ ')') }}
        else {{ lanczos_log_gamma_plus_one('(' ~ x ~ ' - 1)') }}
    end
{%- endmacro %}

{#- ln Gamma(z + 1) for z >= -0.5, Lanczos with g = 7 and 9 terms. -#}
{% macro lanczos_log_gamma_plus_one(z) -%}
    {%- set coefficients = [
        '676.5203681218851e0', '-1259.1392167224028e0', '771.32342877765313e0',
        '-176.61502916214059e0', '12.507343278686905e0', '-0.13857109526572012e0',
        '9.9843695780195716e-6', '1.5056327351493116e-7'] -%}
    (0.5e0 * ln(2 * pi()) + ({{ z }} + 0.5e0) * ln({{ z }} + 7.5e0) - ({{ z }} + 7.5e0)
        + ln(0.99999999999980993e0
        {%- for c in coefficients %} + {{ c }} / ({{ z }} + {{ loop.index }}){% endfor %}))
{%- endmacro %}


{#- A float rounded to a number of significant digits (12 by default): far below any
    business meaning, but enough that sums computed in a different order by parallel
    threads publish the same figure on every run, small values included. -#}
{% macro round_significant(expression, digits=12) -%}
    {{ return(adapter.dispatch('round_significant', 'segmentation')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_significant(expression, digits=12) -%}
    case
        when {{ expression }} is null or {{ expression }} = 0 then {{ expression }}
        else round(
            {{ expression }},
            cast({{ digits - 1 }} - floor(log10(abs({{ expression }})))
                as {{ dbt.type_int() }})
        )
    end
{%- endmacro %}

{#- Spark's round() takes only a constant scale: print in scientific notation with the
    digits wanted and read the number back. -#}
{% macro spark__round_significant(expression, digits=12) -%}
    case
        when {{ expression }} is null then null
        else cast(format_string('%.{{ digits - 1 }}e', {{ expression }}) as double)
    end
{%- endmacro %}


{#- A value as a SQL text literal (null as a typed null), for rows written at compile time. -#}
{% macro text_literal(value) -%}
    {%- if value is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        cast('{{ value | string | replace("'", "''") }}' as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- Whole days from one date to another as a bigint on every engine (dbt.datediff is
    bigint on DuckDB, int on Spark, which breaks bigint contracts). -#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_bigint() }})
{%- endmacro %}


{#- The values of a group joined with a delimiter, in the order of `order_by`
    (an expression). dbt.listagg ignores its order on Spark, so Spark sorts
    (order_by, value) pairs itself. -#}
{% macro ordered_listagg(measure, delimiter_text, order_by) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'segmentation')(
        measure, delimiter_text, order_by)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_by) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by) }}
{%- endmacro %}

{% macro spark__ordered_listagg(measure, delimiter_text, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct(
                'sort_key', {{ order_by }}, 'value', {{ measure }}))),
            pair -> pair.value
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}
