{#- One row: how good the deployed segmentation is. The selected candidate's metrics (on
    the backtest sample when chosen by the backtest, else on the training sample), plus what SQL scoring produced over every customer: segment count
    and shares, outliers, agreement with the Python model, and recovery of known labels. -#}
with

candidates as (
    select * from {{ ref('segment_model_candidates') }}
    where is_selected
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

training_assignments as (
    select * from {{ ref('segment_training_assignments') }}
),

true_segments as (
    select * from {{ ref('stg_labels__true_segments') }}
),

segment_sizes as (
    select
        segment_id,
        count(*) as customers
    from customer_segments
    group by segment_id
),

coverage as (
    select
        count(*) as customers_scored,
        count(distinct segment_id) as segment_count,
        avg(case when is_outlier then 1.0e0 else 0.0e0 end) as outlier_share
    from customer_segments
),

shares as (
    select
        min(segment_sizes.customers) * 1.0e0 / max(coverage.customers_scored)
            as min_segment_share,
        max(segment_sizes.customers) * 1.0e0 / max(coverage.customers_scored)
            as max_segment_share
    from segment_sizes
    cross join coverage
),

agreement as (
    select
        count(*) as training_customers,
        avg(
            case when training_assignments.segment_id = customer_segments.segment_id
                    then 1.0e0
                else 0.0e0
            end
        ) as sql_python_agreement
    from training_assignments
    left join customer_segments
        on training_assignments.customer_id = customer_segments.customer_id
),

labelled as (
    select
        customer_segments.segment_id,
        true_segments.true_segment
    from customer_segments
    inner join true_segments
        on customer_segments.customer_id = true_segments.customer_id
),

recovery as (
    {{ adjusted_rand_index('labelled', 'segment_id', 'true_segment') }}
),

final as (
    select
        1 as quality_id,
        candidates.algorithm,
        candidates.feature_space,
        cast(candidates.feature_set as {{ dbt.type_string() }}) as feature_set,
        candidates.evaluated_on,
        candidates.n_clusters,
        cast(candidates.backtest_auc as {{ type_double() }}) as backtest_auc,
        cast(candidates.revenue_explained as {{ type_double() }})
            as backtest_revenue_explained,
        candidates.silhouette,
        candidates.davies_bouldin,
        candidates.calinski_harabasz,
        candidates.stability,
        candidates.selection_reason,
        coverage.customers_scored,
        coverage.segment_count,
        shares.min_segment_share,
        shares.max_segment_share,
        coverage.outlier_share,
        agreement.training_customers,
        agreement.sql_python_agreement,
        recovery.labelled_rows as labelled_customers,
        recovery.adjusted_rand as planted_segment_recovery
    from candidates
    cross join coverage
    cross join shares
    cross join agreement
    cross join recovery
)

select * from final
