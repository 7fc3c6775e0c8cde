{#- One row per distinct raw order line. Exact duplicate raw rows collapse into one row
    (raw_row_count says how many); every row carries a rejection_reason or null.
    Built for size (bench/RESULTS.md): lines are numbered on the narrow raw rows, and the
    raw_* text is kept only on rejected rows, where rejected_orders shows it (storing it
    for every clean line cost a third of this model's time at 20M lines).
    Dates and amounts are parsed in the format detected from the data or set by a var
    (macros/inputs/formats.sql; the choice is recorded in input_formats). A line with a
    negative amount or quantity, or a return status, is a return (status_group
    'returned'), not bad data. Without an amount column, amount = quantity x unit_price. -#}
{%- set columns = input_spec('orders')['required'] + input_spec('orders')['optional'] %}
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
    {{ raw_input('orders', typed=typed) }}
),

collapsed as (
    select
        {% for column in columns -%}
            {{ column }},
        {% endfor -%}
        count(*) as raw_row_count,
        row_number() over (
            partition by order_id
            order by {{ columns[1:] | join(', ') }}
        ) as line_number
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
        raw_row_count,
        line_number
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

final as (
    select
        {{ dbt.concat([
            "coalesce(raw_order_id, '')",
            "'#'",
            "cast(line_number as " ~ dbt.type_string() ~ ")"
        ]) }} as order_line_id,
        {% for column in columns -%}
            {{ column }},
        {% endfor -%}
        status_group,
        rejection_reason,
        {% for column in columns -%}
            case
                when rejection_reason is not null then
                    {%- if column in typed %}
                        cast(raw_{{ column }} as {{ dbt.type_string() }})
                    {%- else %} raw_{{ column }}{% endif %}
            end as raw_{{ column }},
        {% endfor -%}
        raw_row_count
    from flagged
)

select * from final
