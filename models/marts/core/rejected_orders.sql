{#- Every raw order row that did not become a clean order line, with the reason.
    Rows rejected in staging show their text exactly as read; rows rejected by the
    cross-row checks (shared order id, after as_of_date) parsed fine, so they show the
    cleaned values as text. -#}
{%- set columns = input_spec('orders')['required'] + input_spec('orders')['optional'] %}
with

staging_rejections as (
    select * from {{ ref('stg_shop__order_lines') }}
    where rejection_reason is not null
),

validation_rejections as (
    select
        order_line_id,
        rejection_reason
    from {{ ref('int_order_lines_validated') }}
    where rejection_reason is not null
),

staged_lines as (
    select * from {{ ref('stg_shop__order_lines') }}
),

final as (
    select
        order_line_id,
        rejection_reason,
        {% for column in columns -%}
            raw_{{ column }} as {{ column }},
        {% endfor -%}
        raw_row_count
    from staging_rejections
    union all
    select
        validation_rejections.order_line_id,
        validation_rejections.rejection_reason,
        {% for column in columns -%}
            cast(staged_lines.{{ column }} as {{ dbt.type_string() }}) as {{ column }},
        {% endfor -%}
        staged_lines.raw_row_count
    from validation_rejections
    inner join staged_lines
        on validation_rejections.order_line_id = staged_lines.order_line_id
)

select * from final
