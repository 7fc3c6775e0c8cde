-- Cross-tab of the classic RFM segments against the machine-learning segments:
-- where the two lenses agree, and which RFM groups each ML segment gathers.
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
)

select
    segment_id,
    segment_name,
    rfm_segment,
    count(*) as customers,
    round(
        100.0 * count(*) / sum(count(*)) over (partition by segment_id), 1
    ) as percent_of_ml_segment
from customer_segments
group by
    segment_id,
    segment_name,
    rfm_segment
order by
    segment_id asc,
    customers desc
