-- Each of the 125 R-F-M score combinations must match exactly one rule of the editable
-- rfm_segment_rules seed; returns the codes matched zero or several times.
with

rules as (
    select * from {{ ref('rfm_segment_rules') }}
),

scores as (
    select 1 as score
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
),

codes as (
    select
        recency.score as recency_score,
        frequency.score as frequency_score,
        monetary.score as monetary_score
    from scores as recency
    cross join scores as frequency
    cross join scores as monetary
),

matches as (
    select
        codes.recency_score,
        codes.frequency_score,
        codes.monetary_score,
        count(rules.rule_id) as matching_rules
    from codes
    left join rules
        on {{ rfm_rule_matches('codes', 'rules') }}
    group by
        codes.recency_score,
        codes.frequency_score,
        codes.monetary_score
)

select * from matches
where matching_rules <> 1
