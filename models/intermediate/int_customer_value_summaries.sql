{#- The buy-till-you-die summary of each customer at each snapshot
    (int_feature_snapshots),
    in weeks, as BG/NBD and Gamma-Gamma read it: purchases are days with at least one
    purchase (an order with a completed line); frequency = repeat purchase days (all but the first);
    recency_weeks = first to last purchase day; age_weeks (the models' T) = first
    purchase day to the snapshot's date; monetary_value = mean net revenue of the
    repeat purchase days (null without one).
    With the var orders_incremental it is incremental: a build recomputes the
    customers customers_to_refresh names; the others keep their figures, and their
    age grows by the days the snapshot's date moved. -#}
{%- set incremental = orders_incremental() %}
{{ config(
    materialized='incremental' if incremental else 'table',
    incremental_strategy='append',
    pre_hook="{{ delete_customers_to_refresh(this) }}",
    post_hook="{{ move_to_snapshot_dates(this, {'age_weeks': '(cast(round(stored.age_weeks * 7) as '
        ~ dbt.type_bigint() ~ ') + ' ~ dbt.datediff('stored.snapshot_date',
        'snapshots.snapshot_date', 'day') ~ ') / 7.0'}) }}",
) }}
with

orders as (
    select * from {{ ref('int_orders') }}
    where
        is_purchase
        and {{ customers_to_refresh(this)['condition'] }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

purchase_days as (
    select
        snapshots.snapshot,
        snapshots.snapshot_date,
        orders.customer_id,
        orders.order_date,
        sum(orders.net_amount) as day_revenue
    from orders
    inner join snapshots
        on orders.order_date < snapshots.snapshot_date
    group by
        snapshots.snapshot,
        snapshots.snapshot_date,
        orders.customer_id,
        orders.order_date
),

first_purchases as (
    select
        purchase_days.*,
        min(purchase_days.order_date) over (
            partition by purchase_days.snapshot, purchase_days.customer_id
        ) as first_purchase_date
    from purchase_days
),

final as (
    select
        snapshot,
        customer_id,
        min(snapshot_date) as snapshot_date,
        cast(count(*) - 1 as {{ dbt.type_bigint() }}) as frequency,
        {{ dbt.datediff(
            'min(first_purchase_date)', 'max(order_date)', 'day'
        ) }} / 7.0 as recency_weeks,
        {{ dbt.datediff(
            'min(first_purchase_date)', 'min(snapshot_date)', 'day'
        ) }} / 7.0 as age_weeks,
        cast(
            avg(case when order_date > first_purchase_date then day_revenue end)
            as {{ type_double() }}
        ) as monetary_value
    from first_purchases
    group by snapshot, customer_id
)

select * from final
