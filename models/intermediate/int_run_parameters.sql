{#- One row: the point in time every feature is computed at. -#}
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

final as (
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
)

select * from final
