{#- A 1-5 score from the share of customers with a strictly worse value:
    1 + floor(5 x (rank - 1) / customers). Ties share a score, and it is the lowest
    score of the positions they cover: when most customers bought once, every one-time
    buyer gets frequency score 1, not a middling 3 (the scores in between are then
    skipped; rfm_thresholds shows which). higher_is_better=false (recency) reverses
    the order, so the most recent customers score highest. -#}
{% macro quintile_score(column, higher_is_better=true) -%}
    cast(1 + floor(5.0 * (rank() over (
        order by {{ column }} {{ 'asc' if higher_is_better else 'desc' }}
    ) - 1) / count(*) over ()) as {{ dbt.type_int() }})
{%- endmacro %}
