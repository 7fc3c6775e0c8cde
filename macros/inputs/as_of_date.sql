{#- The as_of_date var, checked to be a plain ISO date before it reaches SQL; none when
    the var is not set (then int_run_parameters derives it from the data). -#}
{% macro as_of_date_var() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error(
            "Var as_of_date must be a date written YYYY-MM-DD, got: " ~ text) }}
    {%- endif -%}
    {%- set parts = text.split('-') | map('int') | list -%}
    {%- if parts[1] < 1 or parts[1] > 12 or parts[2] < 1 or parts[2] > 31 -%}
        {{ exceptions.raise_compiler_error("Var as_of_date is not a valid date: " ~ text) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
