{#- The input contract: which columns each raw input must / may have. -#}
{% macro input_spec(entity) -%}
    {%- set specs = {
        'orders': {
            'seed': 'raw_orders', 'path_var': 'orders_path',
            'required': ['order_id', 'customer_id', 'ordered_at', 'amount'],
            'optional': ['quantity', 'product_category', 'channel', 'status'],
        },
        'customers': {
            'seed': 'raw_customers', 'path_var': 'customers_path',
            'required': ['customer_id'],
            'optional': [
                'name', 'email', 'phone', 'street_address', 'birth_date', 'age', 'gender',
                'income', 'occupation', 'education', 'marital_status', 'country', 'region',
                'city', 'signed_up_at',
            ],
        },
        'events': {
            'seed': 'raw_events', 'path_var': 'events_path',
            'required': ['customer_id', 'occurred_at', 'event_type'],
            'optional': [],
        },
        'survey_responses': {
            'seed': 'raw_survey_responses', 'path_var': 'survey_path',
            'required': ['customer_id', 'attribute', 'value'],
            'optional': [],
        },
        'labels': {
            'seed': 'sample_true_segments', 'path_var': 'labels_path',
            'required': ['customer_id', 'true_segment'],
            'optional': [],
        },
    } -%}
    {%- if entity not in specs -%}
        {{ exceptions.raise_compiler_error("Unknown raw input '" ~ entity ~ "'.") }}
    {%- endif -%}
    {{ return(specs[entity]) }}
{%- endmacro %}


{#- True when the user points the project at their own files (any *_path var set):
    then the sample seeds are not used and an input without a path is absent. -#}
{% macro uses_user_files() -%}
    {%- for path_var in ['orders_path', 'customers_path', 'events_path', 'survey_path'] -%}
        {%- if var(path_var, none) -%}{{ return(true) }}{%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{#- Where an input comes from: 'file' (a *_path var), 'seed' (the bundled sample) or
    'absent' (the user gave files but not this one). -#}
{% macro input_origin(entity) -%}
    {%- set spec = input_spec(entity) -%}
    {%- if var(spec['path_var'], none) -%}
        {{ return('file') }}
    {%- elif uses_user_files() -%}
        {{ return('absent') }}
    {%- else -%}
        {{ return('seed') }}
    {%- endif -%}
{%- endmacro %}


{#- A path given in a var, checked before it is put into SQL. -#}
{% macro input_path(entity) -%}
    {%- set spec = input_spec(entity) -%}
    {%- set path = var(spec['path_var']) | string | trim -%}
    {%- if "'" in path or ";" in path or "\n" in path -%}
        {{ exceptions.raise_compiler_error(
            "Var " ~ spec['path_var'] ~ " must be a plain file path; it contains a quote, "
            ~ "semicolon or newline: " ~ path) }}
    {%- endif -%}
    {{ return(path) }}
{%- endmacro %}


{#- Actual column names of an input, as {normalised name: actual name}. -#}
{% macro input_columns(entity) -%}
    {%- set spec = input_spec(entity) -%}
    {%- set origin = input_origin(entity) -%}
    {%- set all_columns = spec['required'] + spec['optional'] -%}
    {%- set found = {} -%}
    {%- if origin == 'absent' -%}
        {{ return(found) }}
    {%- endif -%}
    {%- if origin == 'seed' -%}
        {#- always record the dependency, also at parse time -#}
        {%- set seed_relation = ref(spec['seed']) -%}
    {%- endif -%}
    {%- if not execute -%}
        {%- for column in all_columns -%}{%- do found.update({column: column}) -%}{%- endfor -%}
        {{ return(found) }}
    {%- endif -%}
    {%- if origin == 'seed' -%}
        {%- set relation = load_relation(seed_relation) -%}
        {%- if relation is none -%}
            {#- not built yet (e.g. a lint before the first build): the seeds have every column -#}
            {%- for column in all_columns -%}{%- do found.update({column: column}) -%}{%- endfor -%}
            {{ return(found) }}
        {%- endif -%}
        {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- else -%}
        {%- set names = read_file_column_names(input_path(entity)) -%}
    {%- endif -%}
    {%- for name in names -%}
        {%- do found.update({name | lower | trim: name}) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for column in spec['required'] if column not in found -%}
        {%- do missing.append(column) -%}
    {%- endfor -%}
    {%- if missing -%}
        {%- set where = input_path(entity) if origin == 'file' else ref(spec['seed']) -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ entity ~ " input '" ~ where ~ "' has no column "
            ~ missing | join(', ') ~ ". Required columns: " ~ spec['required'] | join(', ')
            ~ "; found: " ~ (names | join(', ') or 'none') ~ ".") }}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}


{#- Does an input have this (optional) column? Drives which features are built. -#}
{% macro input_has_column(entity, column) -%}
    {{ return(column in input_columns(entity)) }}
{%- endmacro %}


{#- A select over one raw input with every contract column as text (missing optional
    columns are null), so staging parses every input the same way. Rows of customers to
    forget (right to erasure) are left out unless include_forgotten=true. -#}
{% macro raw_input(entity, include_forgotten=false) -%}
    {%- set spec = input_spec(entity) -%}
    {%- set origin = input_origin(entity) -%}
    {%- set found = input_columns(entity) -%}
    select
    {%- for column in spec['required'] + spec['optional'] %}
        {% if column in found -%}
            cast({{ adapter.quote(found[column]) }} as {{ dbt.type_string() }})
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
    {%- if origin == 'seed' %}
    from {{ ref(spec['seed']) }}
    {%- elif origin == 'file' %}
    from {{ read_raw_file(input_path(entity)) }}
    {%- else %}
    where 1 = 0
    {%- endif %}
    {%- if origin != 'absent' and not include_forgotten %}
    where not {{ is_forgotten(adapter.quote(found['customer_id'])) }}
    {%- endif %}
{%- endmacro %}


{% macro read_raw_file(path) -%}
    {{ return(adapter.dispatch('read_raw_file', 'segmentation')(path)) }}
{%- endmacro %}

{% macro default__read_raw_file(path) -%}
    {{ exceptions.raise_compiler_error(
        "Reading files (" ~ path ~ ") needs DuckDB. On " ~ target.type ~ ", load the file "
        ~ "into a table and build the project from the seeds' place instead.") }}
{%- endmacro %}

{% macro duckdb__read_raw_file(path) -%}
    {%- if (path | lower).endswith('.parquet') or (path | lower).endswith('.parq') -%}
        read_parquet('{{ path }}')
    {%- else -%}
        read_csv('{{ path }}', header = true, all_varchar = true)
    {%- endif -%}
{%- endmacro %}


{% macro read_file_column_names(path) -%}
    {%- set result = run_query('select * from ' ~ read_raw_file(path) ~ ' limit 0') -%}
    {{ return(result.column_names | list) }}
{%- endmacro %}
