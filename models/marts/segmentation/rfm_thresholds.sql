{#- The published cut-offs: for each metric and score, the value range and customers.
    A customer's score for a metric is the score whose range contains their value. -#}
{%- set metrics = {
    'recency_days': 'recency_score',
    'frequency': 'frequency_score',
    'monetary': 'monetary_score',
} -%}
with

rfm_scores as (
    select * from {{ ref('rfm_scores') }}
),

unioned as (
    {%- for metric, score in metrics.items() %}
        select
            '{{ metric }}' as metric,
            {{ score }} as score,
            cast(min({{ metric }}) as {{ type_double() }}) as min_value,
            cast(max({{ metric }}) as {{ type_double() }}) as max_value,
            count(*) as customers
        from rfm_scores
        group by {{ score }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        {{ dbt.concat(["metric", "'-'", "cast(score as " ~ dbt.type_string() ~ ")"]) }}
            as threshold_id,
        metric,
        score,
        min_value,
        max_value,
        customers,
        {{ as_double('customers') }}
        / sum(customers) over (partition by metric) as customer_share
    from unioned
)

select * from final
