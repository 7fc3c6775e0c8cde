{#- Known segment labels for external validation (the sample's planted segments, or a
    labels_path file). Never used to fit or select a model. Empty when there are none. -#}
with

source as (
    {{ raw_input('labels') }}
),

final as (
    select
        {{ clean_id('customer_id') }} as customer_id,
        min({{ clean_text('true_segment') }}) as true_segment,
        cast(count(*) as {{ dbt.type_bigint() }}) as raw_row_count
    from source
    where {{ clean_id('customer_id') }} is not null
    group by {{ clean_id('customer_id') }}
)

select * from final
