{#- One row: the point in time of this build, and the backtest harness derived from it.
    The backtest looks back from as_of_date by a horizon: features as of
    backtest_as_of_date, outcomes in [backtest_as_of_date, as_of_date). With less than
    two horizons of history the horizon shrinks to half the history (down to
    backtest_min_horizon_days), below that the backtest is skipped; backtest_status
    says which. -#}
{%- set horizon = backtest_horizon_days() -%}
{%- set min_horizon = var('backtest_min_horizon_days') | int -%}
with

order_lines as (
    select * from {{ ref('stg_shop__order_lines') }}
    where rejection_reason is null
),

bounds as (
    select
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at
    from order_lines
),

dated as (
    select
        {%- if as_of_date_var() %}
        cast('{{ as_of_date_var() }}' as date) as as_of_date,
        true as is_as_of_date_given,
        {%- else %}
            cast(
                {{ dbt.dateadd('day', 1, 'cast(last_ordered_at as date)') }} as date
            ) as as_of_date,
            false as is_as_of_date_given,
        {%- endif %}
        cast(first_ordered_at as date) as first_order_date,
        cast(last_ordered_at as date) as last_order_date
    from bounds
),

history as (
    select
        dated.*,
        {{ dbt.datediff('dated.first_order_date', 'dated.as_of_date', 'day') }}
            as history_days
    from dated
),

horizon as (
    select
        history.*,
        case
            when history.history_days >= 2 * {{ horizon }} then {{ horizon }}
            when history.history_days >= 2 * {{ min_horizon }}
                then cast(floor(history.history_days / 2) as {{ dbt.type_int() }})
        end as backtest_horizon_days
    from history
),

final as (
    select
        as_of_date,
        is_as_of_date_given,
        first_order_date,
        last_order_date,
        history_days,
        cast(backtest_horizon_days as {{ dbt.type_int() }}) as backtest_horizon_days,
        cast(
            {{ dbt.dateadd('day', '-1 * backtest_horizon_days', 'as_of_date') }} as date
        ) as backtest_as_of_date,
        case
            when backtest_horizon_days = {{ horizon }} then 'full'
            when backtest_horizon_days is not null then 'shortened'
            else 'skipped'
        end as backtest_status,
        case
            when backtest_horizon_days = {{ horizon }}
                then 'backtest over the {{ horizon }} days before as_of_date'
            when backtest_horizon_days is not null
                then {{ dbt.concat([
                    "'history of '",
                    "cast(history_days as " ~ dbt.type_string() ~ ")",
                    "' days is shorter than two horizons of " ~ horizon
                        ~ " days: backtest horizon shortened to '",
                    "cast(backtest_horizon_days as " ~ dbt.type_string() ~ ")",
                    "' days'",
                ]) }}
            else {{ dbt.concat([
                "'history of '",
                "coalesce(cast(history_days as " ~ dbt.type_string() ~ "), '0')",
                "' days is shorter than two minimum horizons of " ~ min_horizon
                    ~ " days: no backtest, segments chosen by geometry alone'",
            ]) }}
        end as backtest_reason
    from horizon
)

select * from final
