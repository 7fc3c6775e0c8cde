{#- How far to trust customer_predictions: the same models, fitted on the customers'
    history before the backtest date and scored over the backtest horizon, against what
    those customers did up to as_of_date. One row for all customers (ranking AUC of who
    bought again, predicted against actual orders and revenue, mean absolute error,
    and a sentence saying how far to trust the predictions) and one per decile of
    predicted orders (calibration; decile 01 = the highest predictions). -#}
{%- set calibration_measures -%}
    count(*) as customers,
        sum(expected_orders) as predicted_orders,
        sum(future_orders) as actual_orders,
        sum(expected_revenue) as predicted_revenue,
        sum(future_revenue) as actual_revenue,
        avg(abs(expected_orders - future_orders)) as mean_absolute_error,
        min(prediction_note) as prediction_note
{%- endset -%}
with

scores as (
    select * from {{ ref('customer_value_scores') }}
    where snapshot = 'backtest'
),

outcomes as (
    select * from {{ ref('int_backtest_outcomes') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

joined as (
    select
        scores.expected_orders,
        scores.expected_revenue,
        scores.prediction_note,
        outcomes.future_orders,
        outcomes.future_revenue,
        outcomes.bought_again,
        ntile(10) over (
            order by scores.expected_orders desc, scores.customer_id asc
        ) as decile
    from scores
    inner join outcomes
        on scores.customer_id = outcomes.customer_id
),

ranked as (
    select
        bought_again,
        rank() over (order by expected_orders) as score_rank,
        count(*) over (partition by expected_orders) as tied
    from joined
    where expected_orders is not null
),

auc as (
    select
        (
            sum(case when bought_again then score_rank + (tied - 1) / 2.0 end)
            - {{ count_where('bought_again') }}
            * ({{ count_where('bought_again') }} + 1) / 2.0
        )
        / nullif(
            {{ count_where('bought_again') }} * {{ count_where('not bought_again') }},
            0
        ) as buy_again_auc
    from ranked
),

overall as (
    -- no group by: one row even when the backtest is skipped (it says why)
    select
        'all' as calibration_group,
        {{ calibration_measures }}
    from joined
),

by_decile as (
    select
        {{ dbt.concat(["'decile '", "case when decile < 10 then '0' else '' end",
            "cast(decile as " ~ dbt.type_string() ~ ")"]) }} as calibration_group,
        {{ calibration_measures }}
    from joined
    group by decile
),

unioned as (
    select
        overall.*,
        auc.buy_again_auc
    from overall
    cross join auc

    union all

    select
        by_decile.*,
        cast(null as {{ type_double() }}) as buy_again_auc
    from by_decile
),

final as (
    select
        unioned.calibration_group,
        run_parameters.backtest_as_of_date,
        run_parameters.as_of_date as outcome_end_date,
        cast(run_parameters.backtest_horizon_days as {{ dbt.type_int() }})
            as backtest_horizon_days,
        cast(unioned.customers as {{ dbt.type_bigint() }}) as customers,
        {{ stable_float('unioned.predicted_orders') }} as predicted_orders,
        cast(unioned.actual_orders as {{ type_double() }}) as actual_orders,
        {{ stable_float('unioned.predicted_revenue') }} as predicted_revenue,
        {{ stable_float('unioned.actual_revenue') }} as actual_revenue,
        {{ stable_float(
            'unioned.predicted_orders / nullif(unioned.actual_orders, 0)'
        ) }} as predicted_to_actual_orders,
        {{ stable_float('unioned.mean_absolute_error') }} as mean_absolute_error,
        {{ stable_float('unioned.buy_again_auc') }} as buy_again_auc,
        case
            when unioned.calibration_group <> 'all' then null
            when run_parameters.backtest_as_of_date is null
                then 'No backtest: ' || run_parameters.backtest_reason || '.'
            when unioned.predicted_orders is null
                then 'No predictions: ' || unioned.prediction_note
            else {{ dbt.concat([
                "'Over the '",
                "cast(run_parameters.backtest_horizon_days as " ~ dbt.type_string() ~ ")",
                "' days before as_of_date the predictions ranked the customers who '",
                "'bought again with an AUC of '",
                "cast(round(unioned.buy_again_auc, 2) as " ~ dbt.type_string() ~ ")",
                "' and expected '",
                format_count('round(unioned.predicted_orders)'),
                "' orders against '",
                format_count('unioned.actual_orders'),
                "' placed ('",
                "case when unioned.predicted_orders >= unioned.actual_orders "
                    ~ "then '+' else '' end",
                "cast(cast(round(100 * (unioned.predicted_orders - unioned.actual_orders)"
                    ~ " / nullif(unioned.actual_orders, 0)) as " ~ dbt.type_int()
                    ~ ") as " ~ dbt.type_string() ~ ")",
                "'%). '",
                "case when unioned.buy_again_auc < "
                    ~ (var('min_prediction_auc') | float)
                    ~ " then 'They barely tell who buys next here: do not pick "
                    ~ "customers by them, and read totals as rough.'"
                    ~ " when abs(unioned.predicted_orders - unioned.actual_orders) > "
                    ~ "0.25 * unioned.actual_orders then 'They rank customers usefully, "
                    ~ "but the totals are off by more than a quarter.'"
                    ~ " when abs(unioned.predicted_orders - unioned.actual_orders) > "
                    ~ "0.1 * unioned.actual_orders then 'They rank customers usefully; "
                    ~ "read the totals as good to about a quarter.'"
                    ~ " else 'They rank customers usefully and the totals hold within "
                    ~ "10%.' end",
            ]) }}
        end as trust_note
    from unioned
    cross join run_parameters
)

select * from final
