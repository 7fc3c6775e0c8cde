-- Every training customer gets the same segment from SQL scoring
-- (customer_segments) as from the fitted Python model
-- (segment_training_assignments). A difference is tolerated only for an exact tie
-- between two centroids (distance gap under 1e-9).
with

python_assignments as (
    select * from {{ ref('segment_training_assignments') }}
),

sql_assignments as (
    select * from {{ ref('customer_segments') }}
)

select
    python_assignments.customer_id,
    python_assignments.segment_id as python_segment_id,
    sql_assignments.segment_id as sql_segment_id,
    python_assignments.distance as python_distance,
    sql_assignments.distance_to_centroid as sql_distance
from python_assignments
left join sql_assignments
    on python_assignments.customer_id = sql_assignments.customer_id
where
    sql_assignments.segment_id is null
    or (
        python_assignments.segment_id <> sql_assignments.segment_id
        and sql_assignments.assignment_margin > 1e-9
    )
    or abs(python_assignments.distance - sql_assignments.distance_to_centroid) > 1e-6
