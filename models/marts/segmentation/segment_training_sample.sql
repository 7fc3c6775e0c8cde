{#- The bounded sample the segmentation model is fitted on: at most
    training_sample_size customers, stratified by RFM segment (each segment keeps its
    share), picked by a hash of customer_id so the same data gives the same sample.
    Fitting reads only this table, so memory does not grow with the customer base. -#}
with

model_features as (
    select * from {{ ref('segment_model_features') }}
),

rfm_scores as (
    select * from {{ ref('rfm_scores') }}
),

population as (
    select count(*) as customer_count from model_features
),

ranked as (
    select
        model_features.*,
        rfm_scores.rfm_segment as sample_stratum,
        row_number() over (
            partition by rfm_scores.rfm_segment
            order by
                {{ dbt.hash('model_features.customer_id') }},
                model_features.customer_id
        ) as stratum_rank,
        count(*) over (partition by rfm_scores.rfm_segment) as stratum_size
    from model_features
    inner join rfm_scores
        on model_features.customer_id = rfm_scores.customer_id
),

final as (
    select
        {{ star_columns(ref('segment_model_features'), 'ranked') }},
        ranked.sample_stratum
    from ranked
    cross join population
    where
        ranked.stratum_rank <= ceiling(
            ranked.stratum_size * least(
                1.0e0,
                {{ var('training_sample_size') | int }}
                * 1.0e0
                / population.customer_count
            )
        )
)

select * from final
