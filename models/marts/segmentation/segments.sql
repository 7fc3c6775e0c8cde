{#- One row per ML segment: size, revenue, the core profile in original units, lift
    against the whole base, the most distinctive features, and its explaining rule. -#}
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),

profiles as (
    select * from {{ ref('segment_profiles') }}
),

rules as (
    select * from {{ ref('segment_rules') }}
),

customer_predictions as (
    select * from {{ ref('customer_predictions') }}
),

predicted as (
    select
        customer_segments.segment_id,
        {{ stable_float('avg(customer_predictions.probability_active)') }}
            as mean_probability_active,
        {{ stable_float('sum(customer_predictions.expected_revenue)') }}
            as expected_revenue
    from customer_segments
    inner join customer_predictions
        on customer_segments.customer_id = customer_predictions.customer_id
    group by customer_segments.segment_id
),

sized as (
    select
        customer_segments.segment_id,
        count(*) as customers,
        {{ stable_float('sum(customer_features.monetary)') }} as revenue,
        {{ stable_float('avg(customer_features.recency_days * 1.0e0)') }}
            as mean_recency_days,
        {{ stable_float('avg(customer_features.frequency * 1.0e0)') }}
            as mean_frequency,
        {{ stable_float('avg(customer_features.monetary)') }} as mean_monetary,
        {{ stable_float('avg(customer_features.avg_order_value)') }}
            as mean_avg_order_value,
        {{ stable_float('avg(customer_features.tenure_days * 1.0e0)') }}
            as mean_tenure_days,
        avg(case when customer_segments.is_outlier then 1.0e0 else 0.0e0 end)
            as outlier_share
    from customer_segments
    inner join customer_features
        on customer_segments.customer_id = customer_features.customer_id
    group by customer_segments.segment_id
),

ranked_features as (
    select
        segment_id,
        feature,
        standardized_difference,
        row_number() over (
            partition by segment_id
            order by abs(standardized_difference) desc, feature
        ) as distinctiveness_rank
    from profiles
),

top_features as (
    select
        segment_id,
        {{ ordered_listagg(
            dbt.concat([
                "feature",
                "case when standardized_difference >= 0 then ' (high)' else ' (low)' end"
            ]),
            "', '",
            "distinctiveness_rank"
        ) }} as top_features
    from ranked_features
    where distinctiveness_rank <= 3
    group by segment_id
),

monetary_lift as (
    select
        segment_id,
        lift as monetary_lift
    from profiles
    where feature = 'monetary'
),

shared as (
    select
        segment_id,
        customers * 1.0e0 / sum(customers) over () as customer_share
    from sized
),

final as (
    select
        sized.segment_id,
        centroids.segment_name,
        {{ dbt.concat([
            format_count('sized.customers'),
            "case when sized.customers = 1 then ' customer (' else ' customers (' end",
            "case when shared.customer_share < 0.01 then '<1' else cast(cast("
                ~ "round(100 * shared.customer_share) as " ~ dbt.type_int() ~ ") as "
                ~ dbt.type_string() ~ ") end",
            "'%). '",
            "centroids.segment_description",
        ]) }} as segment_description,
        sized.customers,
        shared.customer_share,
        sized.revenue,
        {{ stable_float('sized.revenue / nullif(sum(sized.revenue) over (), 0)') }}
            as revenue_share,
        sized.mean_recency_days,
        sized.mean_frequency,
        sized.mean_monetary,
        sized.mean_avg_order_value,
        sized.mean_tenure_days,
        monetary_lift.monetary_lift,
        sized.outlier_share,
        sized.customers < {{ var('min_segment_customers') | int }}
            as is_below_minimum_size,
        predicted.mean_probability_active,
        predicted.expected_revenue,
        top_features.top_features,
        rules.rule_text,
        rules.f1 as rule_f1,
        centroids.training_customers
    from sized
    inner join shared
        on sized.segment_id = shared.segment_id
    inner join centroids
        on sized.segment_id = centroids.segment_id
    left join top_features
        on sized.segment_id = top_features.segment_id
    left join monetary_lift
        on sized.segment_id = monetary_lift.segment_id
    left join rules
        on sized.segment_id = rules.segment_id
    left join predicted
        on sized.segment_id = predicted.segment_id
)

select * from final
