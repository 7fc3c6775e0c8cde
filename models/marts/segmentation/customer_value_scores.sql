{#- Every customer scored in SQL from the stored value models, at each snapshot:
    BG/NBD probability of being active and expected orders over the snapshot's horizon
    (customer_value_model.horizon_days), Gamma-Gamma expected value per order, and
    expected revenue. The series of the expected orders (a Gauss hypergeometric
    function after Euler's transformation) is summed from the stored coefficients
    (customer_value_series) once per distinct (frequency, age) pair. Formulas:
    segmentation/clv.py. Internal: customer_predictions and
    customer_predictions_backtest publish it. -#}
with

summaries as (
    select * from {{ ref('int_customer_value_summaries') }}
),

value_model as (
    select * from {{ ref('customer_value_model') }}
),

series_coefficients as (
    select * from {{ ref('customer_value_series') }}
),

parameters as (
    select
        snapshot,
        max(horizon_days) as horizon_days,
        max(case when model = 'bg_nbd' and parameter = 'r' then value end) as r,
        max(case when model = 'bg_nbd' and parameter = 'alpha' then value end)
            as alpha,
        max(case when model = 'bg_nbd' and parameter = 'a' then value end) as a,
        max(case when model = 'bg_nbd' and parameter = 'b' then value end) as b,
        max(case when model = 'gamma_gamma' and parameter = 'p' then value end)
            as p,
        max(case when model = 'gamma_gamma' and parameter = 'q' then value end)
            as q,
        max(case when model = 'gamma_gamma' and parameter = 'v' then value end)
            as v,
        max(case when model = 'bg_nbd' then status end) as bg_nbd_status,
        max(case when model = 'bg_nbd' then status_reason end) as bg_nbd_reason,
        max(case when model = 'gamma_gamma' then status end) as gamma_gamma_status,
        max(case when model = 'gamma_gamma' then status_reason end)
            as gamma_gamma_reason
    from value_model
    group by snapshot
),

repeat_values as (
    select
        snapshot,
        avg(monetary_value) as mean_repeat_value
    from summaries
    where frequency > 0
    group by snapshot
),

inputs as (
    select
        summaries.snapshot,
        summaries.customer_id,
        summaries.snapshot_date,
        summaries.frequency,
        summaries.recency_weeks,
        summaries.age_weeks,
        summaries.monetary_value,
        parameters.horizon_days,
        parameters.r,
        parameters.alpha,
        parameters.a,
        parameters.b,
        parameters.p,
        parameters.q,
        parameters.v,
        parameters.bg_nbd_status,
        parameters.bg_nbd_reason,
        parameters.gamma_gamma_status,
        parameters.gamma_gamma_reason,
        repeat_values.mean_repeat_value,
        (parameters.horizon_days / 7.0)
        / (parameters.alpha + summaries.age_weeks + parameters.horizon_days / 7.0)
            as z,
        parameters.a + parameters.b + summaries.frequency - 1 as series_c
    from summaries
    inner join parameters
        on summaries.snapshot = parameters.snapshot
    left join repeat_values
        on summaries.snapshot = repeat_values.snapshot
),

series_points as (
    select distinct
        snapshot,
        frequency,
        age_weeks,
        z,
        series_c
    from inputs
    where bg_nbd_status = 'fitted'
),

series_sums as (
    select
        series_points.snapshot,
        series_points.frequency,
        series_points.age_weeks,
        sum(
            series_coefficients.sign * exp(
                series_coefficients.log_abs_coefficient
                + series_coefficients.k * ln(series_points.z)
                - (
                    {{ log_gamma('series_points.series_c + series_coefficients.k') }}
                    - {{ log_gamma('series_points.series_c') }}
                )
            )
        ) as series_sum
    from series_points
    inner join series_coefficients
        on series_points.snapshot = series_coefficients.snapshot
    group by
        series_points.snapshot,
        series_points.frequency,
        series_points.age_weeks
),

bg_nbd as (
    select
        inputs.*,
        series_sums.series_sum,
        case
            when inputs.bg_nbd_status <> 'fitted' then null
            when inputs.frequency = 0 then 1.0e0
            else 1.0e0 / (
                    1.0e0 + inputs.a / (inputs.b + inputs.frequency - 1)
                    * power(
                        (inputs.alpha + inputs.age_weeks)
                        / (inputs.alpha + inputs.recency_weeks),
                        inputs.r + inputs.frequency
                    )
                )
        end as probability_active,
        -- h(z) = (1 - (1 - z)^(a - 1)) / (a - 1), its limit series near a = 1
        case
            when abs(inputs.a - 1) < 1e-4
                then -ln(1 - inputs.z) * (
                        1 + (inputs.a - 1) * ln(1 - inputs.z) / 2
                        + power((inputs.a - 1) * ln(1 - inputs.z), 2) / 6
                    )
            else (1 - exp((inputs.a - 1) * ln(1 - inputs.z))) / (inputs.a - 1)
        end as series_h
    from inputs
    left join series_sums
        on
            inputs.snapshot = series_sums.snapshot
            and inputs.frequency = series_sums.frequency
            and inputs.age_weeks = series_sums.age_weeks
),

scored as (
    select
        bg_nbd.*,
        bg_nbd.probability_active * bg_nbd.series_c * (
            bg_nbd.series_h
            - exp((bg_nbd.a - 1) * ln(1 - bg_nbd.z)) * bg_nbd.series_sum
        ) as expected_orders,
        case
            when bg_nbd.gamma_gamma_status = 'fitted'
                then bg_nbd.p * (
                        bg_nbd.v + bg_nbd.frequency * coalesce(bg_nbd.monetary_value, 0)
                    ) / (bg_nbd.p * bg_nbd.frequency + bg_nbd.q - 1)
            -- without a usable Gamma-Gamma fit: the customer's own mean repeat
            -- order value (its limit when spend hardly varies within a customer)
            else coalesce(bg_nbd.monetary_value, bg_nbd.mean_repeat_value)
        end as expected_order_value
    from bg_nbd
),

final as (
    select
        snapshot,
        customer_id,
        snapshot_date,
        horizon_days,
        frequency,
        recency_weeks,
        age_weeks,
        monetary_value,
        -- 12 significant digits: parallel sums publish the same figures every run
        {{ round_significant('probability_active') }} as probability_active,
        {{ round_significant('expected_orders') }} as expected_orders,
        {{ round_significant('expected_order_value') }} as expected_order_value,
        {{ round_significant('expected_orders * expected_order_value') }}
            as expected_revenue,
        case
            when bg_nbd_status <> 'fitted' then bg_nbd_reason
            when gamma_gamma_status <> 'fitted'
                then {{ dbt.concat([
                    "gamma_gamma_reason",
                    "' Expected revenue uses each customer''s own mean repeat order '",
                    "'value instead (the average repeat order for one-time buyers).'",
                ]) }}
        end as prediction_note
    from scored
)

select * from final
