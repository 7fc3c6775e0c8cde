{#- One row per known customer: everyone with a clean profile or a valid order.
    No direct identifiers. -#}
with

profiles as (
    select * from {{ ref('stg_shop__customers') }}
    where rejection_reason is null
),

orders as (
    select * from {{ ref('int_orders') }}
),

run_parameters as (
    select * from {{ ref('int_run_parameters') }}
),

order_summary as (
    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        count(*) as order_count
    from orders
    group by customer_id
),

customer_ids as (
    select customer_id from profiles
    union
    select customer_id from order_summary
),

joined as (
    select
        customer_ids.customer_id,
        profiles.customer_id is not null as has_profile,
        order_summary.customer_id is not null as has_orders,
        cast(profiles.signed_up_at as date) as signed_up_date,
        coalesce(
            {{ age_in_years('profiles.birth_date', 'run_parameters.as_of_date') }},
            profiles.age_reported
        ) as age,
        {{ gender_group('profiles.gender') }} as gender,
        profiles.income,
        coalesce(profiles.occupation, 'unknown') as occupation,
        coalesce(profiles.education, 'unknown') as education,
        coalesce(profiles.marital_status, 'unknown') as marital_status,
        coalesce(profiles.country, 'unknown') as country,
        coalesce(profiles.region, 'unknown') as region,
        coalesce(profiles.city, 'unknown') as city,
        profiles.field_issues,
        order_summary.first_order_date,
        order_summary.last_order_date,
        coalesce(order_summary.order_count, 0) as order_count
    from customer_ids
    left join profiles
        on customer_ids.customer_id = profiles.customer_id
    left join order_summary
        on customer_ids.customer_id = order_summary.customer_id
    cross join run_parameters
),

final as (
    select
        customer_id,
        has_profile,
        has_orders,
        signed_up_date,
        age,
        {{ age_band('age') }} as age_band,
        gender,
        income,
        {{ income_band('income') }} as income_band,
        occupation,
        education,
        marital_status,
        country,
        region,
        city,
        field_issues,
        first_order_date,
        last_order_date,
        order_count
    from joined
)

select * from final
