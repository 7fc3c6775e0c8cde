{#- Classic RFM: 1-5 quintile scores for recency, frequency and monetary, the R-F-M code
    and the named segment from the editable rfm_segment_rules seed. -#}
with

customer_features as (
    select * from {{ ref('customer_features') }}
),

rules as (
    select * from {{ ref('rfm_segment_rules') }}
),

scored as (
    select
        customer_id,
        as_of_date,
        recency_days,
        frequency,
        monetary,
        {{ quintile_score('recency_days', higher_is_better=false) }} as recency_score,
        {{ quintile_score('frequency') }} as frequency_score,
        {{ quintile_score('monetary') }} as monetary_score
    from customer_features
),

final as (
    select
        scored.customer_id,
        scored.as_of_date,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score,
        {{ dbt.concat([
            "cast(scored.recency_score as " ~ dbt.type_string() ~ ")",
            "cast(scored.frequency_score as " ~ dbt.type_string() ~ ")",
            "cast(scored.monetary_score as " ~ dbt.type_string() ~ ")",
        ]) }} as rfm_code,
        scored.recency_score + scored.frequency_score + scored.monetary_score
            as rfm_total_score,
        rules.rfm_segment,
        rules.rule_id as rfm_rule_id
    from scored
    left join rules
        on {{ rfm_rule_matches('scored', 'rules') }}
)

select * from final
