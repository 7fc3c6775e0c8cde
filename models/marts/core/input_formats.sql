{#- How each input was read, one row per decision: the file's encoding and delimiter,
    which of its columns became each contract column, the date format of each date
    column and the decimal separator of amounts, each with what decided it (the data,
    a var, or the default). The decisions are made while the staging models compile
    (macros/inputs); this model records the same decisions for the run. -#}
{%- set rows = [] -%}
{%- set entities = ['orders', 'customers', 'events', 'survey_responses', 'labels'] -%}
{%- for entity in entities if input_origin(entity) != 'absent' -%}
    {%- set origin = input_origin(entity) -%}
    {%- set where = input_column_names(entity)['where'] -%}
    {%- set how = 'var ' ~ input_spec(entity)['path_var'] if origin == 'file' else (
        'the bundled sample' if uses_sample_seeds() else 'the segmentation_* source vars') -%}
    {%- do rows.append([entity, none, 'origin', origin ~ ': ' ~ where, how]) -%}
    {%- if origin == 'file' and not (where | lower).endswith('.parquet') -%}
        {%- set encoding = file_encoding(where) -%}
        {%- do rows.append([entity, none, 'encoding', encoding['encoding'], encoding['by']]) -%}
        {%- if execute -%}
            {#- sniff_csv reads one file: the first of a glob of deliveries -#}
            {%- set first = run_query(
                "select min(filename) from read_blob('" ~ where ~ "')").rows[0][0] -%}
            {%- set dialect = run_query(
                "select Delimiter, Quote, HasHeader from sniff_csv('" ~ first | replace("'", "''") ~ "', "
                ~ "sample_size = -1, encoding = '" ~ encoding['encoding'] ~ "')").rows[0] -%}
            {%- set names = {',': 'comma', ';': 'semicolon', '|': 'pipe', '\t': 'tab'} -%}
            {%- do rows.append([entity, none, 'delimiter', names.get(dialect[0], dialect[0]),
                'detected: the whole file was sniffed']) -%}
        {%- endif -%}
    {%- endif -%}
    {%- for column, match in input_column_matches(entity).items() -%}
        {%- do rows.append([entity, column, 'column', match['name'], match['by']]) -%}
    {%- endfor -%}
{%- endfor -%}
{%- set date_columns = [
    ('orders', 'ordered_at'), ('events', 'occurred_at'),
    ('customers', 'birth_date'), ('customers', 'signed_up_at')] -%}
{%- for entity, column in date_columns
    if input_origin(entity) != 'absent' and input_has_column(entity, column) -%}
    {%- set chosen = detect_date_format(entity, column) -%}
    {%- set value = chosen['family'] ~ (
        ' (' ~ chosen['formats'] | join(' | ') ~ ')' if chosen['formats'] else
        ' (YYYY-MM-DD with an optional time)') -%}
    {%- do rows.append([entity, column, 'date_format', value, chosen['by']]) -%}
{%- endfor -%}
{%- if input_origin('customers') != 'absent'
    and input_has_column('customers', 'income') -%}
    {%- set income = detect_decimal_separator('customers', 'income') -%}
    {%- do rows.append(['customers', 'income', 'decimal_separator', income['separator'],
        income['by']]) -%}
{%- endif -%}
{%- set decimal = detect_decimal_separator('orders', 'amount'
    if input_has_column('orders', 'amount') else 'unit_price') -%}
{%- do rows.append([
    'orders', 'amount' if input_has_column('orders', 'amount') else 'unit_price',
    'decimal_separator', decimal['separator'], decimal['by']]) -%}
-- depends_on: {{ ref('customers_to_forget') }}
with

decisions as (
    select decision_rows.* from (
        values
        {%- for row in rows %}
            (
                {%- for value in row -%}
                    {{ text_literal(value) }}{{ ", " if not loop.last }}
                {%- endfor -%}
            ){{ "," if not loop.last }}
        {%- endfor %}
    ) as decision_rows (source_table, column_name, setting, setting_value, decided_by)
),

final as (
    select * from decisions
)

select * from final
