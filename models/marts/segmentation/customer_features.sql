{#- One row per customer with at least one valid order before as_of_date: RFM, order
    rhythm, category and channel mix, returns, engagement and demographic bands.
    Numeric columns are candidate clustering features; text columns are lenses only.
    The logic lives in customer_feature_snapshots (the same features also serve the
    backtest); this is its 'current' snapshot. -#}
with

feature_snapshots as (
    select * from {{ ref('customer_feature_snapshots') }}
    where snapshot = 'current'
),

final as (
    select
        {{ star_columns(
            ref('customer_feature_snapshots'), 'feature_snapshots', except=['snapshot']
        ) }}
    from feature_snapshots
)

select * from final
