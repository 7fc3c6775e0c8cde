{#- One row per distinct raw order line. Exact duplicate raw rows collapse into one row
    (raw_row_count says how many); every row carries a rejection_reason or null.
    Built for size (bench/RESULTS.md): lines are numbered on the narrow raw rows, and the
    raw_* text is kept only on rejected rows, where rejected_orders shows it (storing it
    for every clean line cost a third of this model's time at 20M lines).
    Dates and amounts are parsed in the format detected from the data or set by a var
    (macros/inputs/formats.sql; the choice is recorded in input_formats). A line with a
    negative amount or quantity, or a return status, is a return (status_group
    'returned'), not bad data. Without an amount column, amount = quantity x unit_price.
    With the var orders_incremental a build reads only the files it has not read before
    (macros/inputs/incremental_orders.sql): a line's key is then its content, and a line
    seen again in a new file adds to its raw_row_count. -#}
{%- set incremental = orders_incremental() %}
{{ config(
    materialized='incremental' if incremental else 'table',
    incremental_strategy='delete+insert',
    unique_key='order_line_id',
    pre_hook=[
        "{{ prepare_order_lines_load(this) }}",
        "{{ start_order_build(this) }}",
    ],
    post_hook="{{ record_order_files(this) }}",
) }}
{%- set plan = order_lines_load_plan(this) if incremental else none %}
{%- set reads_new_files = incremental and is_incremental()
    and plan['mode'] == 'new files' %}
{%- set new_files = plan['files'] if reads_new_files else none %}
{#- a line read before and seen again in a new file: one more raw row of it -#}
{%- set raw_row_count = 'keyed.raw_row_count + coalesce(loaded.raw_row_count, 0)'
    if reads_new_files else 'keyed.raw_row_count' %}
{%- if incremental and execute %}
    {{- log("stg_shop__order_lines: reading " ~ (
        plan['files'] | length ~ " files: " ~ plan['reason'] if plan['mode'] == 'full'
        else plan['reason']) ~ " (load " ~ plan['load_number'] ~ ")", info=true) }}
{%- endif %}
{%- set columns = input_spec('orders')['required'] + input_spec('orders')['optional'] %}
{%- set raw_columns = [] %}
{%- for column in columns %}{% do raw_columns.append('raw_' ~ column) %}{% endfor %}
{#- dates and numbers the input already types are cast, not parsed from text -#}
{%- set kinds = {
    'ordered_at': 'temporal', 'amount': 'numeric', 'quantity': 'integer',
    'unit_price': 'numeric'} %}
{%- set typed = typed_input_columns('orders', kinds) %}
{%- set date_format = detect_date_format('orders', 'ordered_at') %}
{%- set has_amount = input_has_column('orders', 'amount') %}
{%- set amount_column = 'amount' if has_amount else 'unit_price' %}
{%- set decimal_separator = detect_decimal_separator(
    'orders', amount_column)['separator'] %}
{%- set parsed = {
    'ordered_at': parse_timestamp('ordered_at', date_format),
    'amount': parse_amount('amount', decimal_separator),
    'quantity': try_cast_as('trim(quantity)', dbt.type_int()),
    'unit_price': parse_amount('unit_price', decimal_separator)} %}
{%- for column, declared in typed.items() %}
    {%- do parsed.update({column: cast_typed_input(column, declared, kinds[column])}) %}
{%- endfor %}
{%- set amount_expression = parsed['amount'] %}
{%- if not has_amount %}
    {%- set amount_expression = '(' ~ parsed['unit_price'] ~ ') * ' ~ parsed['quantity'] %}
{%- endif %}
{#- is a raw value there at all (typed: not null; text: not blank)? -#}
{%- set given = {} %}
{%- for column in columns %}
    {%- do given.update({column: 'raw_' ~ column ~ ' is not null' if column in typed
        else clean_text('raw_' ~ column) ~ ' is not null'}) %}
{%- endfor %}
with

source as (
    {{ raw_input('orders', typed=typed, files=new_files) }}
),

collapsed as (
    select
        {% for column in columns -%}
            {{ column }},
        {% endfor -%}
        {% if not incremental -%}
            row_number() over (
                partition by order_id
                order by {{ columns[1:] | join(', ') }}
            ) as line_number,
        {% endif -%}
        count(*) as raw_row_count
    from source
    group by {{ columns | join(', ') }}
),

parsed as (
    select
        {{ clean_id('order_id') }} as order_id,
        {{ clean_id('customer_id') }} as customer_id,
        {{ parsed['ordered_at'] }} as ordered_at,
        {{ amount_expression }} as amount,
        {{ parsed['quantity'] }} as quantity,
        {{ parsed['unit_price'] }} as unit_price,
        {{ clean_category('product_category') }} as product_category,
        {{ clean_category('channel') }} as channel,
        {{ clean_category('status') }} as status,
        order_id as raw_order_id,
        customer_id as raw_customer_id,
        ordered_at as raw_ordered_at,
        amount as raw_amount,
        quantity as raw_quantity,
        unit_price as raw_unit_price,
        product_category as raw_product_category,
        channel as raw_channel,
        status as raw_status,
        {% if not incremental -%}
            line_number,
        {% endif -%}
        raw_row_count
    from collapsed
),

flagged as (
    select
        *,
        case
            when order_id is null then 'missing_order_id'
            when customer_id is null then 'missing_customer_id'
            when not ({{ given['ordered_at'] }}) then 'missing_ordered_at'
            when
                ordered_at is null
                or ordered_at < cast('1900-01-01' as {{ dbt.type_timestamp() }})
                then 'unparseable_ordered_at'
            when ordered_at > {{ dbt.current_timestamp() }} then 'ordered_in_the_future'
            when not ({{ given[amount_column] }}) then 'missing_amount'
            {%- if not has_amount %}
            when not ({{ given['quantity'] }}) then 'missing_quantity'
            {%- endif %}
            when {{ given['quantity'] }} and quantity is null
                then 'unparseable_quantity'
            when amount is null then 'unparseable_amount'
            when amount = 0 then 'zero_amount'
            when quantity = 0 then 'zero_quantity'
        end as rejection_reason,
        case
            when status in ('cancelled', 'canceled', 'void', 'voided') then 'cancelled'
            when
                status in ('returned', 'refunded', 'return', 'refund', 'credited')
                or amount < 0
                or quantity < 0
                then 'returned'
            else 'completed'
        end as status_group
    from parsed
),

keyed as (
    select
        {% if incremental -%}
            {{ order_line_content_key('raw_order_id', raw_columns) }}
        {%- else -%}
            {{ dbt.concat([
                "coalesce(raw_order_id, '')",
                "'#'",
                "cast(line_number as " ~ dbt.type_string() ~ ")"
            ]) }}
        {%- endif %} as order_line_id,
        *
    from flagged
),

final as (
    select
        keyed.order_line_id,
        {% for column in columns -%}
            keyed.{{ column }},
        {% endfor -%}
        keyed.status_group,
        keyed.rejection_reason,
        {% for column in columns -%}
            case
                when keyed.rejection_reason is not null then
                    {%- if column in typed %}
                        cast(keyed.raw_{{ column }} as {{ dbt.type_string() }})
                    {%- else %} keyed.raw_{{ column }}{% endif %}
            end as raw_{{ column }},
        {% endfor -%}
        {% if incremental -%}
            cast({{ plan['load_number'] }} as {{ dbt.type_int() }}) as load_number,
        {% endif -%}
        {{ raw_row_count }} as raw_row_count
    from keyed
    {%- if reads_new_files %}
    left join {{ this }} as loaded
        on keyed.order_line_id = loaded.order_line_id
    {%- endif %}
)

select * from final
