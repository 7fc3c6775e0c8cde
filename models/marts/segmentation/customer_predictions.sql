{#- One row per customer: how likely they are still active, the orders and revenue to
    expect over the next prediction_horizon_days, their discounted value over that
    horizon, churn risk, and two flags a campaign can select on. Scored in SQL from the
    stored BG/NBD and Gamma-Gamma models (customer_value_scores); how far to trust them
    is measured in customer_predictions_backtest. A customer whose every order was
    cancelled has no purchase to predict from: null predictions and a note. -#}
with

scores as (
    select * from {{ ref('customer_value_scores') }}
    where snapshot = 'current'
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

ranked as (
    select
        customer_features.customer_id,
        customer_features.as_of_date,
        {{ var('prediction_horizon_days') | int }} as horizon_days,
        scores.probability_active,
        scores.expected_orders,
        scores.expected_revenue,
        case
            when scores.customer_id is null
                then 'Every order of this customer was cancelled.'
            else scores.prediction_note
        end as prediction_note,
        rank() over (
            order by scores.expected_revenue desc nulls last
        ) as expected_revenue_rank,
        rank() over (
            order by customer_features.monetary desc
        ) as past_value_rank,
        count(*) over () as customer_count
    from customer_features
    left join scores
        on customer_features.customer_id = scores.customer_id
),

final as (
    select
        customer_id,
        as_of_date,
        cast(horizon_days as {{ dbt.type_int() }}) as prediction_horizon_days,
        probability_active,
        expected_orders,
        expected_revenue,
        {{ round_significant(
            'expected_revenue / power(1 + ' ~ (var('annual_discount_rate') | float)
            ~ ', horizon_days / 365.0 / 2)'
        ) }} as clv,
        case
            when probability_active is null then null
            when probability_active < {{ var('churn_risk_high_below') | float }}
                then 'high'
            when probability_active < {{ var('churn_risk_medium_below') | float }}
                then 'medium'
            else 'low'
        end as churn_risk,
        coalesce(
            probability_active < {{ var('at_risk_max_probability_active') | float }}
            and past_value_rank <= ceiling(
                {{ var('at_risk_top_value_share') | float }} * customer_count
            ),
            false
        ) as is_at_risk,
        coalesce(
            expected_revenue is not null
            and expected_revenue_rank <= ceiling(
                {{ var('high_value_share') | float }} * customer_count
            ),
            false
        ) as is_high_value,
        prediction_note
    from ranked
)

select * from final
