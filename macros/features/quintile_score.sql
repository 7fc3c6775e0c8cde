{#- A 1-5 score from the cumulative distribution: ceil(5 x share of customers whose value
    is at or below this one). Ties always share a score (the score of the tie group's
    highest position), so the same value never gets two scores; when one value covers
    more than a fifth of customers a score can be skipped. higher_is_better=false
    (recency) reverses the order, so the most recent customers score 5. -#}
{% macro quintile_score(column, higher_is_better=true) -%}
    cast(ceiling(5 * cume_dist() over (
        order by {{ column }} {{ 'asc' if higher_is_better else 'desc' }}
    )) as {{ dbt.type_int() }})
{%- endmacro %}
