{#- The rule-based lenses per customer, side by side: RFM segment, value tier,
    demographic (age band x income band), geographic (country - region) and
    psychographic (main stated interest x price sensitivity, from the survey). -#}
with

rfm_scores as (
    select * from {{ ref('rfm_scores') }}
),

customers as (
    select * from {{ ref('customers') }}
),

survey_responses as (
    select * from {{ ref('stg_shop__survey_responses') }}
    where rejection_reason is null
),

interests as (
    select
        customer_id,
        min(answer) as main_interest
    from survey_responses
    where attribute = 'interest'
    group by customer_id
),

price_sensitivity as (
    select
        customer_id,
        min(answer) as price_sensitivity
    from survey_responses
    where attribute = 'price_sensitivity'
    group by customer_id
),

final as (
    select
        rfm_scores.customer_id,
        rfm_scores.rfm_segment,
        rfm_scores.rfm_code,
        case
            when rfm_scores.monetary_score = 5 then 'top 20% value'
            when rfm_scores.monetary_score >= 3 then 'middle value'
            else 'lower value'
        end as value_tier,
        {{ dbt.concat([
            "coalesce(customers.age_band, 'unknown')",
            "' / '",
            "coalesce(customers.income_band, 'unknown')",
        ]) }} as demographic_segment,
        case
            when
                customers.country is null or customers.country = 'unknown'
                then 'unknown'
            else {{ dbt.concat(["customers.country", "' - '", "customers.region"]) }}
        end as geographic_segment,
        {{ dbt.concat([
            "coalesce(interests.main_interest, 'no survey')",
            "' / '",
            "coalesce(price_sensitivity.price_sensitivity, 'unknown')",
        ]) }} as psychographic_segment
    from rfm_scores
    left join customers
        on rfm_scores.customer_id = customers.customer_id
    left join interests
        on rfm_scores.customer_id = interests.customer_id
    left join price_sensitivity
        on rfm_scores.customer_id = price_sensitivity.customer_id
)

select * from final
