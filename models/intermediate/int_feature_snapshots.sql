{#- The points in time customer features are computed at: 'current' (as_of_date), and
    'backtest' (backtest_as_of_date) unless the backtest is skipped. Every per-customer
    aggregate groups by snapshot, so both come from one feature logic. -#}
with

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

snapshots as (
    select
        'current' as snapshot,  -- noqa: RF04
        as_of_date as snapshot_date
    from run_parameters

    union all

    select
        'backtest' as snapshot,  -- noqa: RF04
        backtest_as_of_date as snapshot_date
    from run_parameters
    where backtest_as_of_date is not null
),

final as (
    select
        snapshot,
        cast(snapshot_date as date) as snapshot_date
    from snapshots
)

select * from final
