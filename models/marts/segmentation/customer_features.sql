{#- One row per customer with at least one valid order before as_of_date: RFM, order
    rhythm, returns, engagement and demographic bands, under an enforced contract.
    Every column exists whatever the input has (null when the input lacks it), so a
    dashboard built on it does not break when the data changes. The mix of categories,
    channels and event types is in customer_feature_shares (long); the model clusters
    the pivoted form, segment_model_features. -#}
{%- set has_status = input_has_column('orders', 'status') -%}
{%- set has_events = input_origin('events') != 'absent' -%}
{%- set has_customers = input_origin('customers') != 'absent' -%}
with

model_features as (
    select * from {{ ref('segment_model_features') }}
),

order_values as (
    select
        customer_id,
        gross_amount,
        returned_amount
    from {{ ref('int_orders_aggregated_to_customers') }}
    where snapshot = 'current'
),

final as (
    select
        model_features.customer_id,
        as_of_date,
        first_order_date,
        last_order_date,
        recency_days,
        frequency,
        model_features.monetary,
        order_values.gross_amount,
        order_values.returned_amount,
        avg_order_value,
        tenure_days,
        mean_days_between_orders,
        return_rate,
        {%- if has_status %}
            cancel_rate,
        {%- else %}
            cast(null as {{ type_double() }}) as cancel_rate,
        {%- endif %}
        {%- if has_events %}
            cast(event_count as {{ dbt.type_bigint() }}) as event_count,
            cast(active_days as {{ dbt.type_bigint() }}) as active_days,
            last_event_at,
            days_since_last_event,
        {%- else %}
            cast(null as {{ dbt.type_bigint() }}) as event_count,
            cast(null as {{ dbt.type_bigint() }}) as active_days,
            cast(null as {{ dbt.type_timestamp() }}) as last_event_at,
            cast(null as {{ dbt.type_bigint() }}) as days_since_last_event,
        {%- endif %}
        {%- if has_customers %}
            age_band,
            gender,
            income_band,
            country,
            region,
        {%- else %}
            cast(null as {{ dbt.type_string() }}) as age_band,
            cast(null as {{ dbt.type_string() }}) as gender,
            cast(null as {{ dbt.type_string() }}) as income_band,
            cast(null as {{ dbt.type_string() }}) as country,
            cast(null as {{ dbt.type_string() }}) as region,
        {%- endif %}
        order_line_count,
        order_count
    from model_features
    inner join order_values
        on model_features.customer_id = order_values.customer_id
)

select * from final
