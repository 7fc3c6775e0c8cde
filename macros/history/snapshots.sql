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


{#- How a history table (one snapshot per as_of_date) replaces the snapshot of this
    run's as_of_date: delete+insert on DuckDB and most warehouses; on Spark, parquet
    tables have no delete, so the table is partitioned by as_of_date and the
    partition is overwritten. Use as config(**history_table_config()). -#}
{% macro history_table_config(unique_key) -%}
    {{ return(adapter.dispatch('history_table_config', 'segmentation')(unique_key)) }}
{%- endmacro %}

{% macro default__history_table_config(unique_key) -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': unique_key}) }}
{%- endmacro %}

{% macro spark__history_table_config(unique_key) -%}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': ['as_of_date']}) }}
{%- endmacro %}
