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
        candidates.algorithm,
        candidates.feature_space,
        candidates.feature_set,
        cast(candidates.n_clusters as {{ dbt.type_int() }}) as n_clusters,
        run_parameters.backtest_as_of_date,
        run_parameters.as_of_date as outcome_end_date,
        run_parameters.backtest_horizon_days,
        cast(candidates.n_samples as {{ dbt.type_bigint() }}) as customers_evaluated,
        candidates.backtest_auc,
        candidates.backtest_auc_se,
        candidates.backtest_auc_gap,
        candidates.backtest_gap_noise,
        candidates.revenue_explained,
        candidates.buy_again_spread,
        candidates.stability,
        candidates.silhouette,
        candidates.is_eligible,
        candidates.is_tied_with_best,
        candidates.is_selected
    from candidates
    cross join run_parameters
)

select * from final
