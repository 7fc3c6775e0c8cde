{#- Join condition: the R, F and M scores of `scores` fall in the ranges of a row of
    rfm_segment_rules (`rules`). Shared by rfm_scores and the rule-coverage test. -#}
{% macro rfm_rule_matches(scores, rules) -%}
    {%- for metric in ['recency', 'frequency', 'monetary'] -%}
        {{ scores }}.{{ metric }}_score
        between {{ rules }}.{{ metric }}_score_min and {{ rules }}.{{ metric }}_score_max
        {{- "\n        and " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
