{#- The one definition of a clean event: an event of int_events_validated without a
    rejection_reason. Every model that aggregates events reads this. -#}
{{ config(materialized='ephemeral') }}

with

events as (
    select * from {{ ref('int_events_validated') }}
),

final as (
    select * from events
    where rejection_reason is null
)

select * from final
