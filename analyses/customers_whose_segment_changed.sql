-- Customers whose ML segment changed between the last two snapshots of segment_history
-- (build at two as_of_dates first), with their old and new segment.
with

history as (
    select * from {{ ref('segment_history') }}
),

snapshots as (
    select
        as_of_date,
        row_number() over (order by as_of_date desc) as recency_rank
    from (select distinct as_of_date from history) as dates
),

latest as (
    select history.*
    from history
    inner join snapshots
        on history.as_of_date = snapshots.as_of_date
    where snapshots.recency_rank = 1
),

previous as (
    select history.*
    from history
    inner join snapshots
        on history.as_of_date = snapshots.as_of_date
    where snapshots.recency_rank = 2
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
