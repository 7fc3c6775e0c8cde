-- Customers whose ML segment changed between the last two snapshots of segment_history
-- (build at two as_of_dates first), with their old and new segment.
with

history as (
    {{ latest_snapshots(ref('segment_history')) }}
),

latest as (
    select * from history
    where snapshot_rank = 1
),

previous as (
    select * from history
    where snapshot_rank = 2
)

select
    latest.customer_id,
    previous.as_of_date as previous_as_of_date,
    previous.segment_name as previous_segment_name,
    latest.as_of_date,
    latest.segment_name,
    latest.monetary
from latest
inner join previous
    on latest.customer_id = previous.customer_id
where latest.segment_name <> previous.segment_name
order by
    latest.monetary desc,
    latest.customer_id asc
