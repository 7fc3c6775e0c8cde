{#- The bounded sample the model search is judged on: customers' features as of the
    backtest date with what they did next (bought_again, future_orders,
    future_revenue). At most backtest_sample_size customers, picked by a hash of
    customer_id so the same data gives the same sample. Empty when the backtest is
    skipped (the search then falls back to geometry alone). -#}
with

feature_snapshots as (
    select * from {{ ref('customer_feature_snapshots') }}
    where snapshot = 'backtest'
),

outcomes as (
    select * from {{ ref('int_backtest_outcomes') }}
),

ranked as (
    select
        feature_snapshots.*,
        outcomes.bought_again,
        outcomes.future_orders,
        outcomes.future_revenue,
        row_number() over (
            order by
                {{ dbt.hash('feature_snapshots.customer_id') }},
                feature_snapshots.customer_id
        ) as sample_rank,
        count(*) over () as population_customers
    from feature_snapshots
    inner join outcomes
        on feature_snapshots.customer_id = outcomes.customer_id
),

final as (
    select
        {{ star_columns(
            ref('customer_feature_snapshots'), 'ranked', except=['snapshot']
        ) }},
        ranked.bought_again,
        ranked.future_orders,
        ranked.future_revenue,
        ranked.population_customers
    from ranked
    where ranked.sample_rank <= {{ var('backtest_sample_size') | int }}
)

select * from final
