{#- {feature: [(bin_number, upper_edge or none), ...]} from segment_training_distribution,
    to bin today's customers with a CASE per feature (no non-equi join, so it scales). -#}
{% macro drift_bins(distribution, features) -%}
    {%- if not execute or load_relation(distribution) is none
        or load_relation(features) is none -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set present = adapter.get_columns_in_relation(features) | map(attribute='name')
        | map('lower') | list -%}
    {%- set query -%}
        select feature, bin_number, upper_edge
        from {{ distribution }}
        where not is_missing_bin
        order by feature, bin_number
    {%- endset -%}
    {%- set bins = {} -%}
    {%- for row in run_query(query).rows if row[0] | lower in present -%}
        {%- do bins.setdefault(row[0], []).append((row[1], row[2])) -%}
    {%- endfor -%}
    {{ return(bins) }}
{%- endmacro %}


{#- One bin's term of the population stability index, (a - e) ln(a / e), with both
    shares floored at epsilon so empty bins stay finite. -#}
{% macro psi_term(actual, expected, epsilon=0.0001) -%}
    (greatest({{ actual }}, {{ epsilon }}) - greatest({{ expected }}, {{ epsilon }}))
    * ln(greatest({{ actual }}, {{ epsilon }}) / greatest({{ expected }}, {{ epsilon }}))
{%- endmacro %}
