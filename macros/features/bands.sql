{#- Age in whole years on a given date (365.25-day years). -#}
{% macro age_in_years(birth_date, on_date) -%}
    cast(floor({{ dbt.datediff(birth_date, on_date, 'day') }} / 365.25) as {{ dbt.type_int() }})
{%- endmacro %}

{#- Age band label; 'unknown' when the age is missing or implausible (under 13, over 110). -#}
{% macro age_band(age) -%}
    case
        when {{ age }} is null or {{ age }} < 13 or {{ age }} > 110 then 'unknown'
        when {{ age }} < 25 then '18-24'
        when {{ age }} < 35 then '25-34'
        when {{ age }} < 45 then '35-44'
        when {{ age }} < 55 then '45-54'
        when {{ age }} < 65 then '55-64'
        else '65+'
    end
{%- endmacro %}

{#- Annual income band label; 'unknown' when missing or negative. -#}
{% macro income_band(income) -%}
    case
        when {{ income }} is null or {{ income }} < 0 then 'unknown'
        when {{ income }} < 25000 then 'under 25k'
        when {{ income }} < 50000 then '25k-50k'
        when {{ income }} < 75000 then '50k-75k'
        when {{ income }} < 100000 then '75k-100k'
        when {{ income }} < 150000 then '100k-150k'
        else '150k+'
    end
{%- endmacro %}

{#- Gender folded to female / male / non_binary / other / unknown. -#}
{% macro gender_group(gender) -%}
    case
        when {{ gender }} is null then 'unknown'
        when {{ gender }} in ('f', 'female', 'woman', 'w') then 'female'
        when {{ gender }} in ('m', 'male', 'man') then 'male'
        when {{ gender }} in ('non_binary', 'nonbinary', 'nb', 'x', 'diverse') then 'non_binary'
        else 'other'
    end
{%- endmacro %}
