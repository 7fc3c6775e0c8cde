{#- The bounded sample the value models (customer_value_model) are fitted on, per
    snapshot: at most value_model_sample_size customers, stratified by repeat-purchase
    band (0, 1, 2-3, 4-7, 8-15, 16+; each band keeps its share), picked by a hash of
    customer_id. The fit reads only this table, so it is a fixed cost at any size. -#}
with

summaries as (
    select * from {{ ref('int_customer_value_summaries') }}
),

banded as (
    select
        summaries.*,
        case
            when summaries.frequency = 0 then 0
            when summaries.frequency = 1 then 1
            when summaries.frequency < 4 then 2
            when summaries.frequency < 8 then 3
            when summaries.frequency < 16 then 4
            else 5
        end as frequency_band
    from summaries
),

ranked as (
    select
        banded.*,
        row_number() over (
            partition by banded.snapshot, banded.frequency_band
            order by {{ dbt.hash('customer_id') }}, banded.customer_id
        ) as band_rank,
        count(*)
            over (partition by banded.snapshot, banded.frequency_band)
            as band_size,
        count(*) over (partition by banded.snapshot) as snapshot_size
    from banded
),

final as (
    select
        snapshot,
        customer_id,
        frequency,
        recency_weeks,
        age_weeks,
        monetary_value,
        frequency_band,
        snapshot_size as eligible_customers
    from ranked
    where
        band_rank <= ceiling(
            band_size * least(
                1.0e0,
                {{ var('value_model_sample_size') | int }} * 1.0e0 / snapshot_size
            )
        )
)

select * from final
