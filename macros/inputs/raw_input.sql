{#- The input contract: which columns each raw input must / may have. -#}
{% macro input_spec(entity) -%}
    {%- set specs = {
        'orders': {
            'seed': 'raw_orders', 'path_var': 'orders_path', 'columns_var': 'orders_columns',
            'using_var': none,
            'required': ['order_id', 'customer_id', 'ordered_at', 'amount'],
            'optional': ['quantity', 'product_category', 'channel', 'status', 'unit_price'],
        },
        'customers': {
            'seed': 'raw_customers', 'path_var': 'customers_path',
            'columns_var': 'customers_columns', 'using_var': 'segmentation__using_customers',
            'required': ['customer_id'],
            'optional': [
                'name', 'email', 'phone', 'street_address', 'birth_date', 'age', 'gender',
                'income', 'occupation', 'education', 'marital_status', 'country', 'region',
                'city', 'signed_up_at',
            ],
        },
        'events': {
            'seed': 'raw_events', 'path_var': 'events_path', 'columns_var': 'events_columns',
            'using_var': 'segmentation__using_events',
            'required': ['customer_id', 'occurred_at', 'event_type'],
            'optional': [],
        },
        'survey_responses': {
            'seed': 'raw_survey_responses', 'path_var': 'survey_path',
            'columns_var': 'survey_columns', 'using_var': 'segmentation__using_survey_responses',
            'required': ['customer_id', 'attribute', 'value'],
            'optional': [],
        },
        'labels': {
            'seed': 'sample_true_segments', 'path_var': 'labels_path',
            'columns_var': 'labels_columns', 'using_var': 'segmentation__using_labels',
            'required': ['customer_id', 'true_segment'],
            'optional': [],
        },
    } -%}
    {%- if entity not in specs -%}
        {{ exceptions.raise_compiler_error("Unknown raw input '" ~ entity ~ "'.") }}
    {%- endif -%}
    {%- do specs[entity].update({'table': entity}) -%}
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


{#- True when the source `segmentation` is the bundled sample: none of the vars that
    point it at your own tables is set. Then its tables are the seeds, which staging
    also refs so that dbt loads them first. -#}
{% macro uses_sample_seeds() -%}
    {%- set location_vars = ['segmentation_database', 'segmentation_schema'] -%}
    {%- for entity in ['orders', 'customers', 'events', 'survey_responses', 'labels'] -%}
        {%- do location_vars.append('segmentation_' ~ entity ~ '_identifier') -%}
    {%- endfor -%}
    {%- for location_var in location_vars -%}
        {%- if var(location_var, none) -%}{{ return(false) }}{%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}


{#- Where an input comes from: 'file' (a *_path var), 'source' (a table of the source
    `segmentation`: the bundled sample seeds unless the source vars point elsewhere) or
    'absent' (switched off with segmentation__using_<input>, or the user gave files but
    not this one). -#}
{% macro input_origin(entity) -%}
    {%- set spec = input_spec(entity) -%}
    {%- if spec['using_var'] and not var(spec['using_var'], true) -%}
        {{ return('absent') }}
    {%- elif var(spec['path_var'], none) -%}
        {{ return('file') }}
    {%- elif uses_user_files() -%}
        {{ return('absent') }}
    {%- else -%}
        {{ return('source') }}
    {%- endif -%}
{%- endmacro %}


{#- The relation of an input read from the source `segmentation` (also records, while
    parsing, the dependency on the sample seed when the source is the sample). -#}
{% macro input_source(entity) -%}
    {%- set spec = input_spec(entity) -%}
    {%- if uses_sample_seeds() -%}
        {%- set seed_relation = ref(spec['seed']) -%}
    {%- endif -%}
    {{ return(source('segmentation', spec['table'])) }}
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


{#- A column name reduced to lower-case letters and digits, so 'Customer ID',
    'customer_id' and 'CustomerId' match. -#}
{% macro column_key(name) -%}
    {{ return(modules.re.sub('[^0-9a-z]', '', name | string | lower)) }}
{%- endmacro %}


{#- Other names exports commonly use for a contract column, tried (ignoring case,
    spaces and underscores) when the contract name itself is not there. -#}
{% macro column_synonyms(column) -%}
    {%- set synonyms = {
        'order_id': ['order number', 'invoice', 'invoice no', 'invoice id', 'transaction id'],
        'customer_id': ['customer number', 'client id'],
        'ordered_at': ['order date', 'order datetime', 'invoice date', 'purchase date',
                       'transaction date'],
        'amount': ['sales', 'revenue', 'line total', 'total'],
        'product_category': ['category', 'product category name'],
        'unit_price': ['price', 'unit price'],
        'status': ['order status', 'line status', 'transaction status'],
        'occurred_at': ['event time', 'event date', 'timestamp'],
    } -%}
    {{ return(synonyms.get(column, [])) }}
{%- endmacro %}


{#- Actual column names of the input: where it is ('where', for messages) and the
    names it has ('names'). -#}
{% macro input_column_names(entity) -%}
    {%- set spec = input_spec(entity) -%}
    {%- set origin = input_origin(entity) -%}
    {%- if origin == 'source' -%}
        {%- set source_relation = input_source(entity) -%}
        {%- set relation = load_relation(source_relation) if execute else none -%}
        {%- if relation is none and execute and not uses_sample_seeds() -%}
            {{ exceptions.raise_compiler_error(
                "The " ~ entity ~ " table '" ~ source_relation ~ "' does not exist. Point the "
                ~ "source at it with the vars segmentation_schema (and segmentation_database) "
                ~ "and segmentation_" ~ entity ~ "_identifier"
                ~ (", or switch the input off with " ~ spec['using_var'] ~ ": false"
                   if spec['using_var'] else "") ~ ".") }}
        {%- endif -%}
        {%- if relation is none -%}
            {#- parsing, or the sample seeds not loaded yet (a lint before the first
                build): the seeds have every column -#}
            {{ return({'where': source_relation | string,
                       'names': spec['required'] + spec['optional']}) }}
        {%- endif -%}
        {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
        {{ return({'where': relation | string, 'names': names}) }}
    {%- elif origin == 'file' -%}
        {%- set path = input_path(entity) -%}
        {%- if not execute -%}
            {{ return({'where': path, 'names': spec['required'] + spec['optional']}) }}
        {%- endif -%}
        {{ return({'where': path, 'names': read_file_column_names(path)}) }}
    {%- endif -%}
    {{ return({'where': none, 'names': []}) }}
{%- endmacro %}


{#- How each contract column of an input was found: {column: {'name': actual name,
    'by': 'var <entity>_columns' | 'name' | 'synonym'}}. Raises a sentence when a
    required column is missing or the mapping var names a column that is not there. -#}
{% macro input_column_matches(entity) -%}
    {%- set spec = input_spec(entity) -%}
    {%- set found = input_column_names(entity) -%}
    {%- set matches = {} -%}
    {%- if input_origin(entity) == 'absent' -%}
        {{ return(matches) }}
    {%- endif -%}
    {%- set contract = spec['required'] + spec['optional'] -%}
    {%- if not execute -%}
        {#- parsing: the columns are not read yet (found['names'] is the contract) -#}
        {%- for column in contract -%}
            {%- do matches.update({column: {'name': column, 'by': 'name'}}) -%}
        {%- endfor -%}
        {{ return(matches) }}
    {%- endif -%}
    {%- set by_key = {} -%}
    {%- for name in found['names'] -%}
        {%- if column_key(name) not in by_key -%}
            {%- do by_key.update({column_key(name): name}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set mapping = var(spec['columns_var'], none) or {} -%}
    {%- if mapping is string or mapping is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "Var " ~ spec['columns_var'] ~ " must map contract columns to your column names, "
            ~ "e.g. {order_id: 'Order ID', amount: 'Sales'}; got: " ~ mapping) }}
    {%- endif -%}
    {%- for column, name in mapping.items() -%}
        {%- if column not in contract -%}
            {{ exceptions.raise_compiler_error(
                "Var " ~ spec['columns_var'] ~ " maps '" ~ column ~ "', which is not a column "
                ~ "of the " ~ entity ~ " contract (" ~ contract | join(', ') ~ ").") }}
        {%- endif -%}
        {%- set actual = by_key.get(column_key(name)) if name not in found['names'] else name -%}
        {%- if actual is none -%}
            {{ exceptions.raise_compiler_error(
                "Var " ~ spec['columns_var'] ~ " maps " ~ column ~ " to '" ~ name ~ "', but the "
                ~ entity ~ " input '" ~ found['where'] ~ "' has no such column; its columns: "
                ~ found['names'] | join(', ') ~ ".") }}
        {%- endif -%}
        {%- do matches.update({column: {'name': actual, 'by': 'var ' ~ spec['columns_var']}}) -%}
    {%- endfor -%}
    {%- set taken = matches.values() | map(attribute='name') | list -%}
    {%- for column in contract if column not in matches -%}
        {%- set candidates = [(column, 'name')] -%}
        {%- for synonym in column_synonyms(column) -%}
            {%- do candidates.append((synonym, 'synonym')) -%}
        {%- endfor -%}
        {%- for candidate, how in candidates -%}
            {%- set actual = by_key.get(column_key(candidate)) -%}
            {%- if column not in matches and actual is not none and actual not in taken -%}
                {%- do matches.update({column: {'name': actual, 'by': how}}) -%}
                {%- do taken.append(actual) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for column in spec['required'] if column not in matches -%}
        {#- an order log without an amount but with quantity and unit_price is fine -#}
        {%- if not (column == 'amount' and 'unit_price' in matches and 'quantity' in matches) -%}
            {%- do missing.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ entity ~ " input '" ~ found['where'] ~ "' has no column "
            ~ missing | join(', ') ~ ". Required columns: " ~ spec['required'] | join(', ')
            ~ "; found: " ~ (found['names'] | join(', ') or 'none') ~ ". If your file calls "
            ~ "it something else, map it with the var " ~ spec['columns_var'] ~ ", e.g. "
            ~ "--vars \"{" ~ spec['columns_var'] ~ ": {" ~ missing[0] ~ ": 'Your Column'}}\".") }}
    {%- endif -%}
    {{ return(matches) }}
{%- endmacro %}


{#- Actual column names of an input's contract columns, as {contract column: actual name}. -#}
{% macro input_columns(entity) -%}
    {%- set found = {} -%}
    {%- for column, match in input_column_matches(entity).items() -%}
        {%- do found.update({column: match['name']}) -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}


{#- The type of an input's contract column as the input declares it, upper case
    (TIMESTAMP, DECIMAL(12,2), VARCHAR, ...); none while parsing or when the column is
    missing. Typed inputs skip format detection: a timestamp or a number needs none. -#}
{% macro input_column_type(entity, column) -%}
    {%- set found = input_columns(entity) -%}
    {%- if not execute or column not in found -%}{{ return(none) }}{%- endif -%}
    {%- set origin = input_origin(entity) -%}
    {%- if origin == 'source' -%}
        {%- set relation = load_relation(input_source(entity)) -%}
        {%- if relation is none -%}{{ return(none) }}{%- endif -%}
        {%- for described in adapter.get_columns_in_relation(relation)
            if described.name == found[column] -%}
            {{ return(described.dtype | upper) }}
        {%- endfor -%}
    {%- elif origin == 'file' -%}
        {%- set path = input_path(entity) -%}
        {%- if not ((path | lower).endswith('.parquet') or (path | lower).endswith('.parq')) -%}
            {#- CSV is read as text: no need to sniff the whole file again -#}
            {{ return('VARCHAR') }}
        {%- endif -%}
        {%- set described = run_query('describe select ' ~ adapter.quote(found[column])
            ~ ' from ' ~ read_raw_file(path) ~ ' limit 0') -%}
        {{ return(described.rows[0][1] | upper) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}


{#- Is a declared column type (input_column_type) a date or timestamp, or a number? -#}
{% macro is_temporal_type(declared) -%}
    {{ return((declared or '').startswith('TIMESTAMP') or (declared or '').startswith('DATE')) }}
{%- endmacro %}

{% macro is_numeric_type(declared) -%}
    {{ return((declared or '').split('(')[0] in [
        'TINYINT', 'SMALLINT', 'INTEGER', 'INT', 'BIGINT', 'HUGEINT', 'UTINYINT',
        'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'DECIMAL', 'NUMERIC', 'DOUBLE',
        'FLOAT', 'REAL']) }}
{%- endmacro %}


{% macro is_integer_type(declared) -%}
    {{ return((declared or '').split('(')[0] in [
        'TINYINT', 'SMALLINT', 'INTEGER', 'INT', 'BIGINT', 'HUGEINT', 'UTINYINT',
        'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']) }}
{%- endmacro %}


{#- The contract columns of an input whose declared type already says what they hold,
    as {column: declared type}. kinds maps each column asked about to the type it needs:
    'temporal' (a date or timestamp), 'numeric' (any number) or 'integer'. Staging keeps
    these columns typed (raw_input typed=...) and parses them with a cast: no round trip
    through text, no pattern matching (bench/RESULTS.md, session 7). -#}
{% macro typed_input_columns(entity, kinds) -%}
    {%- set typed = {} -%}
    {%- if not input_is_readable(entity) -%}{{ return(typed) }}{%- endif -%}
    {%- for column, kind in kinds.items() -%}
        {%- set declared = input_column_type(entity, column) -%}
        {%- if (kind == 'temporal' and is_temporal_type(declared))
            or (kind == 'numeric' and is_numeric_type(declared))
            or (kind == 'integer' and is_integer_type(declared)) -%}
            {%- do typed.update({column: declared}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(typed) }}
{%- endmacro %}


{#- A typed input column as the type staging works in: a timestamp (in UTC when the
    column carries a zone), a number or an integer; null when the value does not fit
    (a NaN amount, an integer too big). -#}
{% macro cast_typed_input(column, declared, kind) -%}
    {{ return(adapter.dispatch('cast_typed_input', 'segmentation')(column, declared, kind)) }}
{%- endmacro %}

{% macro default__cast_typed_input(column, declared, kind) -%}
    {%- if kind == 'temporal' -%}
        {{ try_cast_as(column, dbt.type_timestamp()) }}
    {%- elif kind == 'integer' -%}
        {{ try_cast_as(column, dbt.type_int()) }}
    {%- else -%}
        {{ try_cast_as(column, dbt.type_numeric()) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__cast_typed_input(column, declared, kind) -%}
    {%- if kind == 'temporal' and ('WITH TIME ZONE' in declared or declared == 'TIMESTAMPTZ') -%}
        timezone('UTC', {{ column }})
    {%- else -%}
        {{ default__cast_typed_input(column, declared, kind) }}
    {%- endif -%}
{%- endmacro %}


{#- Does an input have this (optional) column? Drives which features are built. -#}
{% macro input_has_column(entity, column) -%}
    {{ return(column in input_columns(entity)) }}
{%- endmacro %}


{#- A select over one raw input with every contract column as text (missing optional
    columns are null), so staging parses every input the same way. Typed columns
    (integer ids, timestamps, decimals) are cast to text first, so the right-to-erasure
    filter and the parsing see text whatever the input's types; the columns in typed
    (typed_input_columns: dates and numbers staging casts directly) keep their type.
    Rows of customers to forget are left out unless include_forgotten=true. files: read
    only these files of the input's path (incremental orders), none = all of them. -#}
{% macro raw_input(entity, include_forgotten=false, typed={}, files=none) -%}
    {%- set spec = input_spec(entity) -%}
    {%- set origin = input_origin(entity) -%}
    {%- set found = input_columns(entity) -%}
    select * from (
        select
        {%- for column in spec['required'] + spec['optional'] %}
            {% if column in typed -%}
                {{ adapter.quote(found[column]) }}
            {%- elif column in found -%}
                cast({{ adapter.quote(found[column]) }} as {{ dbt.type_string() }})
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
        {%- if origin == 'source' %}
        from {{ input_source(entity) }}
        {%- elif origin == 'file' %}
        from {{ read_raw_file(input_path(entity), files or none) }}
        {%- if files is not none and files | length == 0 %}
        where 1 = 0
        {%- endif %}
        {%- else %}
        where 1 = 0
        {%- endif %}
    ) as raw_rows
    {%- if origin != 'absent' and not include_forgotten %}
    where not {{ is_forgotten('raw_rows.customer_id') }}
    {%- endif %}
{%- endmacro %}


{#- files: a list of the path's files to read instead of all of them. -#}
{% macro read_raw_file(path, files=none) -%}
    {{ return(adapter.dispatch('read_raw_file', 'segmentation')(path, files)) }}
{%- endmacro %}

{% macro default__read_raw_file(path, files=none) -%}
    {{ exceptions.raise_compiler_error(
        "Reading files (" ~ path ~ ") needs DuckDB. On " ~ target.type ~ ", load the file "
        ~ "into a table and build the project from the seeds' place instead.") }}
{%- endmacro %}

{#- CSV: the dialect (delimiter, quoting, header) is sniffed from the whole file, not its
    first rows (a quote first seen at line 27,634 must not break the read); every field
    is read as text; the encoding is the var file_encoding or detected (file_encoding). -#}
{% macro duckdb__read_raw_file(path, files=none) -%}
    {%- set read = "'" ~ path ~ "'" if files is none else
        "['" ~ files | map('replace', "'", "''") | join("', '") ~ "']" -%}
    {%- if (path | lower).endswith('.parquet') or (path | lower).endswith('.parq') -%}
        read_parquet({{ read }})
    {%- else -%}
        read_csv({{ read }}, header = true, all_varchar = true, sample_size = -1,
            encoding = '{{ file_encoding(path)["encoding"] }}')
    {%- endif -%}
{%- endmacro %}


{#- The text encoding of a file: {'encoding': 'utf-8' | 'latin-1', 'by': how decided}.
    The var file_encoding wins; otherwise a file that is not valid UTF-8 is read as
    Latin-1 (which every byte sequence is). Files above 512 MB are assumed UTF-8 (the
    check reads the whole file into memory): set file_encoding for a large Latin-1
    export. -#}
{% macro file_encoding(path) -%}
    {%- set chosen = var('file_encoding', none) -%}
    {%- if chosen -%}
        {%- set chosen = chosen | lower | replace('_', '-') -%}
        {%- set aliases = {'utf8': 'utf-8', 'latin1': 'latin-1', 'iso-8859-1': 'latin-1',
                           'cp1252': 'latin-1', 'windows-1252': 'latin-1'} -%}
        {%- set chosen = aliases.get(chosen, chosen) -%}
        {%- if chosen not in ['utf-8', 'latin-1', 'utf-16'] -%}
            {{ exceptions.raise_compiler_error(
                "Var file_encoding must be utf-8, latin-1 or utf-16; got: " ~ var('file_encoding')) }}
        {%- endif -%}
        {{ return({'encoding': chosen, 'by': 'var file_encoding'}) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return({'encoding': 'utf-8', 'by': 'default'}) }}
    {%- endif -%}
    {%- set sized = run_query("select max(size) from read_blob('" ~ path ~ "')") -%}
    {%- if sized.rows[0][0] is none -%}
        {{ return({'encoding': 'utf-8', 'by': 'default'}) }}
    {%- elif sized.rows[0][0] > 536870912 -%}
        {{ return({'encoding': 'utf-8', 'by': 'assumed: the file is larger than 512 MB, not checked'}) }}
    {%- endif -%}
    {%- set decoded = run_query(
        "select bool_and(try(decode(content)) is not null) from read_blob('" ~ path ~ "')") -%}
    {%- if not decoded.rows[0][0] -%}
        {{ return({'encoding': 'latin-1', 'by': 'detected: the file is not valid UTF-8'}) }}
    {%- endif -%}
    {{ return({'encoding': 'utf-8', 'by': 'detected: the file is valid UTF-8'}) }}
{%- endmacro %}


{% macro read_file_column_names(path) -%}
    {%- set result = run_query('select * from ' ~ read_raw_file(path) ~ ' limit 0') -%}
    {{ return(result.column_names | list) }}
{%- endmacro %}
