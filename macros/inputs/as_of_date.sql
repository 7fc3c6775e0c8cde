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


{#- The backtest horizon in days: the var backtest_horizon_days, or, when it is null,
    prediction_horizon_days, so that segments and predictions share one backtest. -#}
{% macro backtest_horizon_days() -%}
    {%- set value = var('backtest_horizon_days', none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {%- set value = var('prediction_horizon_days') -%}
    {%- endif -%}
    {%- if not (value | string | trim).isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "Var backtest_horizon_days (or prediction_horizon_days) must be a whole "
            ~ "number of days, got: " ~ value) }}
    {%- endif -%}
    {%- if (value | int) < 1 -%}
        {{ exceptions.raise_compiler_error(
            "Var backtest_horizon_days must be at least 1 day, got: " ~ value) }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}
