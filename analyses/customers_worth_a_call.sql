-- Who is worth a call: customers who were valuable but are probably lapsing
-- (is_at_risk), the most value still in reach first (past revenue x the chance they
-- are still active: a customer gone for two years is past saving), with their segment,
-- churn risk and what the model still expects of them over the prediction horizon.
-- Read it beside customer_predictions_backtest.trust_note (how far to trust it).
with

customer_predictions as (
    select * from {{ ref('customer_predictions') }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
)

select
    customer_predictions.customer_id,
    customer_segments.segment_name,
    customer_predictions.churn_risk,
    round(customer_predictions.probability_active, 2) as probability_active,
    customer_features.monetary as past_revenue,
    customer_features.recency_days,
    round(customer_predictions.expected_revenue, 2) as expected_revenue,
    round(customer_predictions.clv, 2) as clv,
    round(
        customer_features.monetary * customer_predictions.probability_active, 2
    ) as value_in_reach
from customer_predictions
inner join customer_segments
    on customer_predictions.customer_id = customer_segments.customer_id
inner join customer_features
    on customer_predictions.customer_id = customer_features.customer_id
where customer_predictions.is_at_risk
order by
    value_in_reach desc,
    customer_predictions.customer_id asc
