{#- Drift since the model was trained: the population stability index (PSI) of every
    selected feature (today's customers in the training run's quantile bins) and of the
    segment shares (today's against training). PSI above the var drift_threshold
    (default 0.25, a large shift) sets is_drifted; the test drift_within_threshold then
    warns, or fails the build when the var drift_policy is 'fail'. The remedy is a refit
    (refit: true), which keeps ids and names of segments that survive. -#}
{%- set bins = drift_bins(
    ref('segment_training_distribution'), ref('segment_model_features')
) -%}
with

distribution as (
    select * from {{ ref('segment_training_distribution') }}
),

model_features as (
    select * from {{ ref('segment_model_features') }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),

population as (
    select count(*) as customers from model_features
),

binned as (
    select
        {% for feature, feature_bins in bins.items() -%}
        case
            when {{ feature }} is null then 0
            {%- for bin_number, upper_edge in feature_bins if upper_edge is not none %}
            when {{ feature }} < {{ upper_edge }} then {{ bin_number }}
            {%- endfor %}
            else {{ feature_bins[-1][0] }}
        end as {{ adapter.quote('bin__' ~ feature) }},
        {% endfor -%}
        customer_id
    from model_features
),

actual_counts as (
    {%- for feature in bins %}
    select
        '{{ feature }}' as feature,
        {{ adapter.quote('bin__' ~ feature) }} as bin_number,
        count(*) as customers
    from binned
    group by {{ adapter.quote('bin__' ~ feature) }}
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as feature,
        0 as bin_number,
        0 as customers
    from binned
    where 1 = 0
),

feature_shares as (
    select
        distribution.feature,
        distribution.expected_share,
        coalesce(actual_counts.customers, 0) * 1.0e0 / population.customers
            as actual_share
    from distribution
    cross join population
    left join actual_counts
        on
            distribution.feature = actual_counts.feature
            and distribution.bin_number = actual_counts.bin_number
),

segment_shares as (
    select
        centroids.segment_id,
        centroids.segment_name,
        centroids.training_share as expected_share,
        count(customer_segments.customer_id) * 1.0e0
        / max(population.customers) as actual_share
    from centroids
    cross join population
    left join customer_segments
        on centroids.segment_id = customer_segments.segment_id
    group by
        centroids.segment_id,
        centroids.segment_name,
        centroids.training_share
),

stability as (
    select
        'feature' as drift_type,
        feature as drift_subject,
        sum({{ psi_term('actual_share', 'expected_share') }})
            as population_stability_index
    from feature_shares
    group by feature
    union all
    select
        'segment_shares' as drift_type,
        'all segments' as drift_subject,
        sum({{ psi_term('actual_share', 'expected_share') }})
            as population_stability_index
    from segment_shares
),

final as (
    select
        {{ dbt.concat(["drift_type", "':'", "drift_subject"]) }} as drift_id,
        drift_type,
        drift_subject,
        population_stability_index,
        {{ var('drift_threshold') }} as drift_threshold,
        population_stability_index > {{ var('drift_threshold') }} as is_drifted
    from stability
)

select * from final
