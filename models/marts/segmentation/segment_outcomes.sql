{#- What each deployed segment's customers did next: the customers known at the backtest
    date are scored with the deployed model (the same SQL scorer as customer_segments,
    on their features as of the backtest date), and their orders and revenue in the
    horizon after it are compared with the whole base. Empty when the backtest was
    skipped. -#}
{%- set backtest_features -%}
    (
        select * from {{ ref('customer_feature_snapshots') }}
        where snapshot = 'backtest'
    ) as backtest_features
{%- endset -%}
with

scored as (
    {{ score_segments(
        backtest_features, ref('segment_preprocessing'), ref('segment_centroids')
    ) }}
),

outcomes as (
    select * from {{ ref('int_backtest_outcomes') }}
),

centroids as (
    select * from {{ ref('segment_centroids') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

assigned as (
    select
        scored.segment_id,
        outcomes.bought_again,
        outcomes.future_orders,
        outcomes.future_revenue
    from scored
    inner join outcomes
        on scored.customer_id = outcomes.customer_id
    where scored.distance_rank = 1
),

base as (
    select
        count(*) as customers,
        avg(case when bought_again then 1.0e0 else 0.0e0 end) as buy_again_rate,
        avg(future_revenue) as revenue_per_customer
    from assigned
),

by_segment as (
    select
        segment_id,
        count(*) as customers,
        avg(case when bought_again then 1.0e0 else 0.0e0 end) as buy_again_rate,
        avg(future_orders * 1.0e0) as orders_per_customer,
        avg(future_revenue) as revenue_per_customer,
        sum(future_revenue) as revenue
    from assigned
    group by segment_id
),

final as (
    select
        cast(by_segment.segment_id as {{ dbt.type_int() }}) as segment_id,
        centroids.segment_name,
        run_parameters.backtest_as_of_date,
        run_parameters.as_of_date as outcome_end_date,
        run_parameters.backtest_horizon_days,
        cast(by_segment.customers as {{ dbt.type_bigint() }})
            as customers_at_backtest_date,
        round(by_segment.customers * 1.0e0 / base.customers, 6) as customer_share,
        round(by_segment.buy_again_rate, 6) as buy_again_rate,
        round(by_segment.orders_per_customer, 6) as orders_per_customer,
        round(by_segment.revenue_per_customer, 6) as revenue_per_customer,
        round(by_segment.revenue, 6) as revenue,
        round(base.buy_again_rate, 6) as base_buy_again_rate,
        round(
            case
                when base.buy_again_rate > 0
                    then by_segment.buy_again_rate / base.buy_again_rate
            end, 6
        ) as buy_again_lift,
        round(
            case
                when base.revenue_per_customer > 0
                    then by_segment.revenue_per_customer / base.revenue_per_customer
            end, 6
        ) as revenue_lift
    from by_segment
    inner join centroids
        on by_segment.segment_id = centroids.segment_id
    cross join base
    cross join run_parameters
)

select * from final
