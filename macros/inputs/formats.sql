{#- How dates and amounts are written in an input, detected from the data (or set by a
    var), and the expressions that parse them. Decisions are made at compile time on the
    raw text, recorded in the input_formats model, and never guessed silently: when the
    data leaves a real ambiguity (is 03/04/2024 March or April? is 1,234 a thousand?),
    the build stops with a sentence naming the var that settles it. -#}


{#- Can the input's rows be read now? A file can; the bundled seeds once loaded (a lint
    on an empty database compiles before they are). -#}
{% macro input_is_readable(entity) -%}
    {%- set origin = input_origin(entity) -%}
    {%- if not execute or origin == 'absent' -%}{{ return(false) }}{%- endif -%}
    {%- if origin == 'source' -%}
        {{ return(load_relation(input_source(entity)) is not none) }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}


{#- The date families detected, each with the strftime formats it accepts (with and
    without a time of day). 'iso' is parsed by a cast (YYYY-MM-DD, optional time,
    'T', fractions of a second, an optional zone offset: converted to UTC). -#}
{% macro date_families() -%}
    {%- set times = ['', ' %H:%M', ' %H:%M:%S', ' %H:%M:%S.%f', ' %I:%M %p', ' %I:%M:%S %p'] -%}
    {%- set families = {'iso': none, 'compact': ['%Y%m%d', '%Y%m%d%H%M%S', '%Y%m%d %H%M%S']} -%}
    {#- a two-digit year ('1/31/97', as spreadsheets export it) is its own family: %Y
        would read it as the year 97 -#}
    {%- for name, day in [
        ('us', '%m/%d/%Y'), ('european_slash', '%d/%m/%Y'),
        ('european_dot', '%d.%m.%Y'), ('european_dash', '%d-%m-%Y'),
        ('us_short_year', '%m/%d/%y'), ('european_slash_short_year', '%d/%m/%y'),
        ('european_dot_short_year', '%d.%m.%y')] -%}
        {%- set formats = [] -%}
        {%- for time in times -%}{%- do formats.append(day ~ time) -%}{%- endfor -%}
        {%- do families.update({name: formats}) -%}
    {%- endfor -%}
    {{ return(families) }}
{%- endmacro %}


{#- An expression that parses text in one date family (or in the strftime formats of
    the var date_format) to a timestamp; null when the text does not fit. -#}
{% macro parse_timestamp(expression, date_format) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'segmentation')(expression, date_format)) }}
{%- endmacro %}

{% macro default__parse_timestamp(expression, date_format) -%}
    {%- if date_format['formats'] is none -%}
        {{ try_cast_as('trim(' ~ expression ~ ')', dbt.type_timestamp()) }}
    {%- else -%}
        to_timestamp(trim({{ expression }}), '{{ date_format["formats"][0] }}')
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__parse_timestamp(expression, date_format) -%}
    {%- if date_format['formats'] is none -%}
        {#- a time with a zone offset (or a timestamptz column, which reads as text with
            one) is converted to UTC; without an offset the time is taken as written -#}
        case
            when regexp_matches(
                trim({{ expression }}),
                '[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?([+-][0-9]{2}(:?[0-9]{2})?|Z|UTC)$'
            )
                then timezone('UTC', try_cast(trim({{ expression }}) as timestamptz))
            else try_cast(trim({{ expression }}) as timestamp)
        end
    {%- else -%}
        try_strptime(trim({{ expression }}), [
            {%- for format in date_format['formats'] -%}
                '{{ format }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ])
    {%- endif -%}
{%- endmacro %}


{#- The date format of one column of a raw input: {'family', 'formats', 'by'}.
    A column the input types as a date or timestamp needs no format ('column type ...').
    Else the var date_format (a strftime format, e.g. '%d/%m/%Y %H:%M') wins. Else every
    family is tried on up to 200,000 of the column's values (a fixed sample of the whole
    input, not its first rows) and the one that parses the most to a year in 1900-2200
    wins; ISO wins a tie.
    A US / European tie (no day above 12 anywhere in the sample) stops the build with a
    sentence asking for date_format. -#}
{% macro detect_date_format(entity, column) -%}
    {%- set default = {'family': 'iso', 'formats': none, 'by': 'default'} -%}
    {%- set readable = input_is_readable(entity) -%}
    {%- set declared = input_column_type(entity, column) if readable else none -%}
    {%- if is_temporal_type(declared) -%}
        {#- a typed column is cast, not parsed: no format, no scan (and a var
            date_format, which describes text, does not apply) -#}
        {{ return({'family': 'iso', 'formats': none, 'by': 'column type ' ~ declared}) }}
    {%- endif -%}
    {%- set chosen = var('date_format', none) -%}
    {%- if chosen -%}
        {%- if "'" in chosen or '%' not in chosen -%}
            {{ exceptions.raise_compiler_error(
                "Var date_format must be a strftime format such as '%d/%m/%Y' or "
                ~ "'%m/%d/%Y %H:%M'; got: " ~ chosen) }}
        {%- endif -%}
        {{ return({'family': 'custom', 'formats': [chosen], 'by': 'var date_format'}) }}
    {%- endif -%}
    {%- if not readable -%}
        {{ return(default) }}
    {%- endif -%}
    {{ return(adapter.dispatch('detect_date_format', 'segmentation')(entity, column, default)) }}
{%- endmacro %}

{% macro default__detect_date_format(entity, column, default) -%}
    {{ return(default) }}
{%- endmacro %}

{% macro duckdb__detect_date_format(entity, column, default) -%}
    {%- set families = date_families() -%}
    {%- set names = families.keys() | list -%}
    {%- set query -%}
        with raw_values as (
            select trim({{ column }}) as raw_value
            from ({{ raw_input(entity) }}) as raw_rows
            where trim({{ column }}) <> ''
        ),
        sampled as (
            select * from raw_values using sample reservoir(200000 rows) repeatable (42)
        )
        select
            count(*) as value_count,
            {%- for name in names %}
            {#- a value without the separators of the family's day format ('/', '.',
                '-') cannot parse in it: skipped, not parsed (4x faster on ISO dates) -#}
            {%- set literals = [] -%}
            {%- for char in modules.re.sub('%.', '', (families[name] or [''])[0]) | list
                if char != ' ' and char not in literals -%}
                {%- do literals.append(char) -%}
            {%- endfor %}
            count(case when
                {%- for char in literals %} contains(raw_value, '{{ char }}') and{% endfor %}
                year({{ parse_timestamp('raw_value', {'formats': families[name]}) }})
                between 1900 and 2200 then 1 end) as {{ name }}
            {{- "," if not loop.last }}
            {%- endfor %},
            min(raw_value) as example
        from sampled
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- set total = row[0] -%}
    {%- if total == 0 -%}
        {{ return(default) }}
    {%- endif -%}
    {%- set counts = {} -%}
    {%- for name in names -%}{%- do counts.update({name: row[loop.index]}) -%}{%- endfor -%}
    {%- set best = namespace(name='iso') -%}
    {%- for name in names if counts[name] > counts[best.name] -%}
        {%- set best.name = name -%}
    {%- endfor -%}
    {%- if counts[best.name] == 0 -%}
        {#- nothing parses: ISO, and the rows are rejected with the raw value shown -#}
        {{ return({'family': 'iso', 'formats': none,
                   'by': 'default: no sampled value fits a known date format'}) }}
    {%- endif -%}
    {%- set rivals = {
        'us': 'european_slash', 'european_slash': 'us',
        'us_short_year': 'european_slash_short_year',
        'european_slash_short_year': 'us_short_year'} -%}
    {%- if best.name in rivals and counts[rivals[best.name]] == counts[best.name] -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ entity ~ " input's " ~ column ~ " values (e.g. '" ~ row[-1] ~ "') read "
            ~ "as month/day and as day/month alike: no day above 12 in "
            ~ format_number(total) ~ " sampled values. Say which with the var date_format, "
            ~ "e.g. --vars \"{date_format: '%m/%d/%Y'}\" (US) or '%d/%m/%Y' (European); "
            ~ "add ' %H:%M:%S' if the values carry a time.") }}
    {%- endif -%}
    {{ return({'family': best.name, 'formats': families[best.name],
               'by': 'detected: ' ~ format_number(counts[best.name]) ~ ' of '
                     ~ format_number(total) ~ ' sampled values parse'}) }}
{%- endmacro %}


{#- A number written with thousands separators at compile time (messages). -#}
{% macro format_number(value) -%}
    {{ return('{:,}'.format(value | int)) }}
{%- endmacro %}


{#- The text of an amount with what is not part of the number removed: surrounding and
    inner spaces (also non-breaking), apostrophes (1'286.50), currency symbols and
    three-letter currency codes; '(12.50)' and '12.50-' become '-12.50'. -#}
{% macro amount_digits(expression) -%}
    {{ return(adapter.dispatch('amount_digits', 'segmentation')(expression)) }}
{%- endmacro %}

{% macro default__amount_digits(expression) -%}
    {%- set stripped = "regexp_replace(regexp_replace(trim(" ~ expression ~ "), "
        ~ "'[$€£¥₹¢]|^[A-Z]{3}|[A-Z]{3}$', ''), '[\\\\s\\u00a0\\u202f'']', '')" -%}
    regexp_replace(regexp_replace({{ stripped }}, '^\\((.*)\\)$', '-$1'), '^([^-].*)-$', '-$1')
{%- endmacro %}

{% macro duckdb__amount_digits(expression) -%}
    {%- set stripped = "regexp_replace(regexp_replace(trim(" ~ expression ~ "), "
        ~ "'[$€£¥₹¢]|^[A-Z]{3}|[A-Z]{3}$', '', 'g'), '[\\s\u00a0\u202f'']', '', 'g')" -%}
    regexp_replace(regexp_replace({{ stripped }}, '^\((.*)\)$', '-\1'), '^([^-].*)-$', '-\1')
{%- endmacro %}


{#- An expression that parses an amount written with the given decimal separator ('.'
    or ','): the other separator may group thousands, strictly in threes (1,286.01;
    1.286,01), so a value written in the other convention is rejected, not misread.
    Null when the text is not such a number. -#}
{% macro parse_amount(expression, decimal_separator) -%}
    {%- set digits = amount_digits(expression) -%}
    {%- set grouping = ',' if decimal_separator == '.' else '.' -%}
    {%- set pattern = "^[+-]?([0-9]{1,3}([" ~ grouping ~ "][0-9]{3})+|[0-9]*)([" ~ decimal_separator ~ "][0-9]+)?$" -%}
    {%- set plain = "replace(" ~ digits ~ ", '" ~ grouping ~ "', '')" -%}
    {%- if decimal_separator == ',' -%}
        {%- set plain = "replace(" ~ plain ~ ", ',', '.')" -%}
    {%- endif -%}
    case when {{ regex_matches(digits, pattern) }} then {{ try_cast_as(plain, dbt.type_numeric()) }} end
{%- endmacro %}


{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'segmentation')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    {{ expression }} rlike '{{ pattern }}'
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}


{#- The decimal separator of an amount column: {'separator': '.' | ',', 'by'}.
    A column the input types as a number needs none ('column type ...'). Else the var
    decimal_separator wins. Else each sampled value (cleaned by
    amount_digits) is evidence for '.' (12.50, 1,286.01, 0.5), for ',' (12,50,
    1.286,01), or ambiguous (1,234 and 1.234: a thousand, or one point two): the
    separator with the most evidence wins. Ambiguous values alone stop the build with a
    sentence asking for decimal_separator; whole numbers alone read as '.'. -#}
{% macro detect_decimal_separator(entity, column) -%}
    {%- set default = {'separator': '.', 'by': 'default'} -%}
    {%- set readable = input_is_readable(entity) -%}
    {%- set declared = input_column_type(entity, column) if readable else none -%}
    {%- if is_numeric_type(declared) -%}
        {#- a typed number is cast, not parsed (a var decimal_separator, which
            describes text, does not apply) -#}
        {{ return({'separator': '.', 'by': 'column type ' ~ declared}) }}
    {%- endif -%}
    {%- set chosen = var('decimal_separator', none) -%}
    {%- if chosen -%}
        {%- if chosen not in ['.', ','] -%}
            {{ exceptions.raise_compiler_error(
                "Var decimal_separator must be '.' or ','; got: " ~ chosen) }}
        {%- endif -%}
        {{ return({'separator': chosen, 'by': 'var decimal_separator'}) }}
    {%- endif -%}
    {%- if not readable -%}
        {{ return(default) }}
    {%- endif -%}
    {{ return(adapter.dispatch('detect_decimal_separator', 'segmentation')(entity, column, default)) }}
{%- endmacro %}

{% macro default__detect_decimal_separator(entity, column, default) -%}
    {{ return(default) }}
{%- endmacro %}

{% macro duckdb__detect_decimal_separator(entity, column, default) -%}
    {%- set query -%}
        with raw_values as (
            select {{ amount_digits(column) }} as digits
            from ({{ raw_input(entity) }}) as raw_rows
            where trim({{ column }}) <> ''
        ),
        sampled as (
            select * from raw_values using sample reservoir(200000 rows) repeatable (42)
        ),
        classified as (
            select
                digits,
                case
                    when regexp_full_match(digits, '[+-]?[0-9]{1,3}[,.][0-9]{3}')
                        then 'ambiguous'
                    when regexp_full_match(digits, '[+-]?[0-9]{1,3}([,][0-9]{3}){2,}')
                        then 'dot'
                    when regexp_full_match(digits, '[+-]?[0-9]{1,3}([.][0-9]{3}){2,}')
                        then 'comma'
                    when regexp_full_match(digits, '[+-]?[0-9,]*[.][0-9]+') then 'dot'
                    when regexp_full_match(digits, '[+-]?[0-9.]*[,][0-9]+') then 'comma'
                end as evidence
            from sampled
        )
        select
            count(*) filter (where evidence = 'dot') as dot,
            count(*) filter (where evidence = 'comma') as comma,
            count(*) filter (where evidence = 'ambiguous') as ambiguous,
            min(digits) filter (where evidence = 'ambiguous') as example
        from classified
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- set dot, comma, ambiguous = row[0], row[1], row[2] -%}
    {%- if dot == 0 and comma == 0 and ambiguous > 0 -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ entity ~ " input's " ~ column ~ " values (e.g. '" ~ row[3] ~ "') can be "
            ~ "read with ',' or '.' as the decimal separator: " ~ format_number(ambiguous)
            ~ " sampled values have three digits after their only separator and none "
            ~ "settles it. Say which with the var decimal_separator, e.g. "
            ~ "--vars \"{decimal_separator: ','}\" (1,234 = one point two three four) or '.' "
            ~ "(1,234 = one thousand two hundred thirty-four).") }}
    {%- endif -%}
    {%- if dot == 0 and comma == 0 -%}
        {{ return({'separator': '.', 'by': 'default: whole numbers only'}) }}
    {%- endif -%}
    {%- set separator = ',' if comma > dot else '.' -%}
    {{ return({'separator': separator,
               'by': 'detected: ' ~ format_number([dot, comma] | max) ~ ' sampled values use it, '
                     ~ format_number([dot, comma] | min) ~ ' the other'}) }}
{%- endmacro %}
