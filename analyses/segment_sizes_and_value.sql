-- Segment sizes and value: how many customers, how much revenue, and how they buy.
-- Compile with `dbt compile --select segment_sizes_and_value` and run the SQL in
-- your BI tool, or paste it after replacing the ref with main.segments.
with

segments as (
    select * from {{ ref('segments') }}
)

select
    segment_id,
    segment_name,
    customers,
    round(100 * customer_share, 1) as customer_percent,
    round(revenue, 0) as revenue,
    round(100 * revenue_share, 1) as revenue_percent,
    round(mean_recency_days, 0) as mean_recency_days,
    round(mean_frequency, 1) as mean_orders,
    round(mean_avg_order_value, 2) as mean_order_value,
    segment_description
from segments
order by segment_id
