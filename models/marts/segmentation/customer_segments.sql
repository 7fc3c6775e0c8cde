{#- Every customer scored in SQL against the fitted centroids (no Python, no refit):
    ML segment with name, distance, confidence, outlier flag, and the rule-based lenses. -#}
with

scored as (
    {{ score_segments(
        ref('segment_model_features'), ref('segment_preprocessing'), ref('segment_centroids')
    ) }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),

customer_lenses as (
    select * from {{ ref('customer_lenses') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

nearest as (
    select * from scored
    where distance_rank = 1
),

runner_up as (
    select * from scored
    where distance_rank = 2
),

final as (
    select
        nearest.customer_id,
        nearest.segment_id,
        centroids.segment_name,
        customer_lenses.rfm_segment,
        nearest.distance as distance_to_centroid,
        runner_up.segment_id as runner_up_segment_id,
        runner_up.distance - nearest.distance as assignment_margin,
        case
            when runner_up.distance is null or runner_up.distance = 0 then 1.0e0
            else 1.0e0 - nearest.distance / runner_up.distance
        end as assignment_confidence,
        nearest.distance > centroids.outlier_distance_threshold as is_outlier,
        customer_lenses.rfm_code,
        customer_lenses.value_tier,
        customer_lenses.demographic_segment,
        customer_lenses.geographic_segment,
        customer_lenses.psychographic_segment,
        run_parameters.as_of_date
    from nearest
    inner join centroids
        on nearest.segment_id = centroids.segment_id
    left join runner_up
        on nearest.customer_id = runner_up.customer_id
    left join customer_lenses
        on nearest.customer_id = customer_lenses.customer_id
    cross join run_parameters
)

select * from final
