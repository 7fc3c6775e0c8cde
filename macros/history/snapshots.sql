{#- The rows of the latest `snapshots` snapshots of a history table (one snapshot per
    as_of_date), each with snapshot_rank: 1 = the latest as_of_date, 2 = the one
    before, ... Used to compare the last two runs (segment_changes, analyses). -#}
{% macro latest_snapshots(relation, snapshots=2) -%}
    select
        history.*,
        ranked.snapshot_rank
    from {{ relation }} as history
    inner join (
        select
            as_of_date,
            row_number() over (order by as_of_date desc) as snapshot_rank
        from (select distinct as_of_date from {{ relation }}) as dates
    ) as ranked
        on history.as_of_date = ranked.as_of_date
    where ranked.snapshot_rank <= {{ snapshots }}
{%- endmacro %}
