{{
    config(
        materialized='incremental',
        **history_table_config(unique_key=['as_of_date'])
    )
}}
{#- One snapshot per as_of_date of every published segment (a build replaces its own
    as_of_date whole, so a segment a refit dropped does not linger): id, name, size and mean
    profile in original units. A refit reads the latest earlier snapshot to keep the
    ids and names of the segments it finds again. Aggregates only: no customer ids. -#}
with

profiles as (
    select * from {{ ref('segment_profiles') }}
),

segments as (
    select * from {{ ref('segments') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

final as (
    select
        {{ dbt.concat([
            "cast(run_parameters.as_of_date as " ~ dbt.type_string() ~ ")",
            "':'",
            "cast(profiles.segment_id as " ~ dbt.type_string() ~ ")",
            "':'",
            "profiles.feature",
        ]) }} as catalog_id,
        run_parameters.as_of_date,
        profiles.segment_id,
        segments.segment_name,
        segments.customers,
        profiles.feature,
        profiles.segment_mean
    from profiles
    inner join segments
        on profiles.segment_id = segments.segment_id
    cross join run_parameters
)

select * from final
