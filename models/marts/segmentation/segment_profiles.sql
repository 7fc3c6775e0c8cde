{#- Long profile: for each segment and feature, mean and median in original units
    against the whole base, the lift (segment mean / base mean) and the standardised
    difference ((segment mean - base mean) / base standard deviation). -#}
{%- set features = profile_features(
    ref('segment_model_features'), ref('segment_preprocessing')
) -%}
with

model_features as (
    select * from {{ ref('segment_model_features') }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

joined as (
    select
        customer_segments.segment_id,
        model_features.*
    from customer_segments
    inner join model_features
        on customer_segments.customer_id = model_features.customer_id
),

per_feature as (
    {%- for feature in features %}
        select
            segments.segment_id,
            '{{ feature }}' as feature,
            segments.segment_mean,
            segments.segment_median,
            base.base_mean,
            base.base_median,
            base.base_stddev
        from (
            select
                segment_id,
                {{ stable_float('avg(' ~ as_double(feature) ~ ')') }}
                    as segment_mean,
                percentile_cont(0.5) within group (order by {{ feature }})
                    as segment_median
            from joined
            group by segment_id
        ) as segments
        cross join (  -- noqa: ST05
            select
                {{ stable_float('avg(' ~ as_double(feature) ~ ')') }}
                    as base_mean,
                percentile_cont(0.5) within group (order by {{ feature }})
                    as base_median,
                {{ stable_float('stddev_pop(' ~ as_double(feature) ~ ')') }}
                    as base_stddev
            from joined
        ) as base
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        {{ dbt.concat([
            "cast(segment_id as " ~ dbt.type_string() ~ ")", "':'", "feature"
        ]) }} as segment_feature_id,
        segment_id,
        feature,
        segment_mean,
        segment_median,
        base_mean,
        base_median,
        case when base_mean <> 0 then segment_mean / base_mean end as lift,
        case
            when base_stddev > 0 then (segment_mean - base_mean) / base_stddev
            else 0
        end as standardized_difference
    from per_feature
)

select * from final
