{#- The backtest behind the segment choice, one row per candidate (algorithm x k x
    feature set): how well its segments, fitted on features as of the backtest date,
    separated the customers who bought again in the horizon after it. Empty when the
    backtest was skipped (int_run_parameters.backtest_reason says why). -#}
with

candidates as (
    select * from {{ ref('segment_model_candidates') }}
    where evaluated_on = 'backtest'
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

final as (
    select
        candidates.candidate_id,
        cast(candidates.algorithm as {{ dbt.type_string() }}) as algorithm,
        cast(candidates.feature_space as {{ dbt.type_string() }}) as feature_space,
        cast(candidates.feature_set as {{ dbt.type_string() }}) as feature_set,
        cast(candidates.n_clusters as {{ dbt.type_int() }}) as n_clusters,
        run_parameters.backtest_as_of_date,
        run_parameters.as_of_date as outcome_end_date,
        run_parameters.backtest_horizon_days,
        cast(candidates.n_samples as {{ dbt.type_bigint() }}) as customers_evaluated,
        cast(candidates.backtest_auc as {{ type_double() }}) as backtest_auc,
        cast(candidates.backtest_auc_se as {{ type_double() }}) as backtest_auc_se,
        cast(candidates.backtest_auc_gap as {{ type_double() }}) as backtest_auc_gap,
        cast(candidates.backtest_gap_noise as {{ type_double() }})
            as backtest_gap_noise,
        cast(candidates.revenue_explained as {{ type_double() }}) as revenue_explained,
        cast(candidates.buy_again_spread as {{ type_double() }}) as buy_again_spread,
        cast(candidates.stability as {{ type_double() }}) as stability,
        cast(candidates.silhouette as {{ type_double() }}) as silhouette,
        candidates.is_eligible,
        candidates.is_tied_with_best,
        candidates.is_selected
    from candidates
    cross join run_parameters
)

select * from final
