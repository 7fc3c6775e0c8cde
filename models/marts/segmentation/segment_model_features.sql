{#- The model's own input: customer_features plus the columns that depend on the data
    (one share per common product category and channel, one count per event type),
    pivoted for clustering. Internal: BI tools read customer_features (fixed columns)
    and customer_feature_shares (the shares, long). The logic lives in
    customer_feature_snapshots; this is its 'current' snapshot. -#}
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
