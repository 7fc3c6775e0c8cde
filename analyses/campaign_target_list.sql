-- A campaign target list for one segment: its customers, most typical first (closest to
-- the segment centre, confident assignment), outliers left out. Set the segment with
-- `--vars '{campaign_segment_id: 2}'` when compiling.
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
)

select
    customer_segments.customer_id,
    customer_segments.segment_name,
    customer_segments.rfm_segment,
    customer_features.recency_days,
    customer_features.frequency,
    customer_features.monetary,
    round(customer_segments.assignment_confidence, 2) as assignment_confidence
from customer_segments
inner join customer_features
    on customer_segments.customer_id = customer_features.customer_id
where
    customer_segments.segment_id = {{ var('campaign_segment_id', 1) | int }}
    and not customer_segments.is_outlier
order by
    customer_segments.distance_to_centroid asc,
    customer_segments.customer_id asc
