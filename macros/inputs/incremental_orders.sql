{#- Incremental orders: with the var orders_incremental and orders_path naming the
    deliveries (a glob such as 'exports/orders_*.parquet', one file per delivery), a
    build reads only the files it has not read before, and re-validates and re-sums
    only the orders they touch (README, "Refreshes that read only what is new").

    The state between builds: stg_shop__order_lines__files, one row per file read
    (its size and modification time, the run that first read it, and the input's
    format decisions), written by staging's post-hook. A build falls back to reading
    every file when a file it read before changed or disappeared, when the format
    decisions changed, or when lines rejected as dated in the future are not any more;
    the log says which. -#}

{#- Is the order-line chain incremental (var orders_incremental)? Needs files: a table
    input has no record of which of its rows are new. -#}
{% macro orders_incremental() -%}
    {%- set value = var('orders_incremental', false) -%}
    {%- if value is string -%}
        {%- set value = (value | trim | lower) in ['true', 'yes', '1'] -%}
    {%- endif -%}
    {%- if value and input_origin('orders') != 'file' -%}
        {{ exceptions.raise_compiler_error(
            "Var orders_incremental needs the orders as files: set orders_path to the "
            ~ "deliveries, e.g. 'exports/orders_*.parquet' (one file per delivery). A table "
            ~ "input has no record of which of its rows are new; build it in full.") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{#- The relation that records the files staging has read (next to staging). -#}
{% macro order_files_relation(staging_relation) -%}
    {{ return(staging_relation.incorporate(
        path={'identifier': staging_relation.identifier ~ '__files'})) }}
{%- endmacro %}


{#- The builds that started on the incremental tables and did not finish them (next to
    staging): a row per build, written by staging's pre-hook and deleted at the end of
    a build that built every incremental table (finish_order_build). -#}
{% macro order_builds_relation(staging_relation) -%}
    {{ return(staging_relation.incorporate(
        path={'identifier': staging_relation.identifier ~ '__builds'})) }}
{%- endmacro %}


{#- The models orders_incremental makes incremental, in build order: a build that
    stops before it has built all of them leaves them out of step, and the next build
    reads every file again. -#}
{% macro incremental_order_models() -%}
    {{ return(['stg_shop__order_lines', 'int_orders_to_refresh',
        'int_order_lines_validated', 'int_orders', 'int_orders_aggregated_to_customers',
        'int_customer_value_summaries']) }}
{%- endmacro %}


{#- The files orders_path names now: [{'file', 'size', 'modified'}], by name. -#}
{% macro order_files_now() -%}
    {%- set listed = run_query(
        "select filename, size, cast(last_modified as " ~ dbt.type_string() ~ ") "
        ~ "from read_blob('" ~ input_path('orders') ~ "') order by filename") -%}
    {%- set files = [] -%}
    {%- for row in listed.rows -%}
        {%- do files.append({'file': row[0], 'size': row[1], 'modified': row[2]}) -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}


{#- The input's decisions that change how every line is read: the column mapping, the
    date format, the decimal separator and the typed columns. A change re-reads all. -#}
{% macro order_format_signature() -%}
    {%- set amount_column = 'amount' if input_has_column('orders', 'amount') else 'unit_price' -%}
    {%- set kinds = {
        'ordered_at': 'temporal', 'amount': 'numeric', 'quantity': 'integer',
        'unit_price': 'numeric'} -%}
    {%- set date_format = detect_date_format('orders', 'ordered_at') -%}
    {%- set decisions = {
        'columns': input_columns('orders'),
        'date_format': [date_format['family'], date_format['formats']],
        'decimal_separator': detect_decimal_separator('orders', amount_column)['separator'],
        'typed': typed_input_columns('orders', kinds),
    } -%}
    {{ return(tojson(decisions, sort_keys=true)) }}
{%- endmacro %}


{#- What this build reads: {'mode': 'full' | 'new files', 'files': files to read,
    'load_number': this build's number, 'reason': why}. Staging calls it while it
    compiles, its hooks again (nothing has changed in between). -#}
{% macro order_lines_load_plan(staging_relation) -%}
    {%- set plan = {'mode': 'full', 'files': [], 'load_number': 1, 'reason': 'first build'} -%}
    {%- if not execute or not orders_incremental() -%}{{ return(plan) }}{%- endif -%}
    {%- set now = order_files_now() -%}
    {%- do plan.update({'files': now | map(attribute='file') | list}) -%}
    {%- set staged = load_relation(staging_relation) -%}
    {%- set registry = load_relation(order_files_relation(staging_relation)) -%}
    {%- if staged is not none and 'load_number' in (
            adapter.get_columns_in_relation(staged) | map(attribute='name') | list) -%}
        {#- one more than any build before: this build's lines are the latest -#}
        {%- set latest = run_query("select max(load_number) from " ~ staged).rows[0][0] -%}
        {%- do plan.update({'load_number': (latest or 0) + 1}) -%}
    {%- endif -%}
    {%- if staged is none or flags.FULL_REFRESH -%}
        {%- do plan.update({'reason': 'first build' if staged is none else '--full-refresh'}) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- if registry is none -%}
        {{ exceptions.raise_compiler_error(
            "stg_shop__order_lines was built before orders_incremental was set, so there is "
            ~ "no record of the files it read. Run `dbt build --full-refresh` once; later "
            ~ "builds read only new files.") }}
    {%- endif -%}
    {%- set builds = load_relation(order_builds_relation(staging_relation)) -%}
    {%- if builds is not none -%}
        {%- set unfinished = run_query("select cast(min(started_at) as "
            ~ dbt.type_string() ~ ") from " ~ builds ~ " where invocation_id <> '"
            ~ invocation_id ~ "'").rows[0][0] -%}
        {%- if unfinished is not none -%}
            {%- do plan.update({'reason': 'the build started at ' ~ unfinished
                ~ ' did not finish the incremental tables (a model failed or was '
                ~ 'skipped, or the build was stopped)'}) -%}
            {{ return(plan) }}
        {%- endif -%}
    {%- endif -%}
    {%- set previous = run_query(
        "select filename, size, modified, format_signature from " ~ registry
        ~ " order by filename") -%}
    {%- set by_name = {} -%}
    {%- for file in now -%}{%- do by_name.update({file['file']: file}) -%}{%- endfor -%}
    {%- set signature = order_format_signature() -%}
    {%- set changed = [] -%}
    {%- set loaded = [] -%}
    {%- for row in previous.rows -%}
        {%- do loaded.append(row[0]) -%}
        {%- set current = by_name.get(row[0]) -%}
        {%- if current is none -%}
            {%- do changed.append(row[0] ~ ' is gone') -%}
        {%- elif current['size'] != row[1] or current['modified'] != row[2] -%}
            {%- do changed.append(row[0] ~ ' changed since it was read') -%}
        {%- elif row[3] != signature and 'formats' not in changed -%}
            {%- do changed.append('formats') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if 'formats' in changed -%}
        {%- do plan.update({'reason': "the input's columns or formats changed: "
            ~ signature}) -%}
        {{ return(plan) }}
    {%- elif changed -%}
        {%- do plan.update({'reason': changed | join('; ')}) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set overdue = run_query(
        "select count(*) from " ~ staged ~ " where rejection_reason = 'ordered_in_the_future'"
        ~ " and ordered_at <= " ~ dbt.current_timestamp()).rows[0][0] -%}
    {%- if overdue > 0 -%}
        {%- do plan.update({'reason': overdue ~ " lines rejected as dated in the future "
            ~ "are not in the future any more"}) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set new_files = [] -%}
    {%- for file in now if file['file'] not in loaded -%}
        {%- do new_files.append(file['file']) -%}
    {%- endfor -%}
    {%- do plan.update({'mode': 'new files', 'files': new_files,
        'reason': new_files | length ~ ' new of ' ~ now | length ~ ' files'}) -%}
    {{ return(plan) }}
{%- endmacro %}


{#- Staging's pre-hook: a full re-read empties the table; a read of new files first
    deletes the lines of customers erased since the last build. -#}
{% macro prepare_order_lines_load(staging_relation) -%}
    {%- if not execute or not orders_incremental() or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set plan = order_lines_load_plan(staging_relation) -%}
    {%- if plan['mode'] == 'full' -%}
        {{ return('delete from ' ~ staging_relation) }}
    {%- endif -%}
    {{ return('delete from ' ~ staging_relation ~ ' where ' ~ is_forgotten('customer_id')) }}
{%- endmacro %}


{#- Staging's post-hook: the record of the files read equals the files there are: a
    changed or vanished file is dropped from it, a new one added with the number of
    the build that read it, and every record carries the input's format decisions. -#}
{% macro record_order_files(staging_relation) -%}
    {%- if not execute or not orders_incremental() -%}{{ return('') }}{%- endif -%}
    {%- set registry = order_files_relation(staging_relation) -%}
    {%- set listing = "select filename, size, cast(last_modified as " ~ dbt.type_string()
        ~ ") as modified from read_blob('" ~ input_path('orders') ~ "')" -%}
    {%- set statements = [
        "create table if not exists " ~ registry ~ " (filename " ~ dbt.type_string()
            ~ ", size " ~ dbt.type_bigint() ~ ", modified " ~ dbt.type_string()
            ~ ", load_number " ~ dbt.type_int() ~ ", format_signature "
            ~ dbt.type_string() ~ ")",
        "delete from " ~ registry ~ " where not exists (select 1 from (" ~ listing
            ~ ") as now where now.filename = " ~ registry ~ ".filename and now.size = "
            ~ registry ~ ".size and now.modified = " ~ registry ~ ".modified)",
        "insert into " ~ registry ~ " select filename, size, modified, (select "
            ~ "max(load_number) from " ~ staging_relation ~ "), null from (" ~ listing
            ~ ") as now where filename not in (select filename from " ~ registry ~ ")",
        "update " ~ registry ~ " set format_signature = "
            ~ text_literal(order_format_signature()),
    ] -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}


{#- Content key of an order line: its raw order id and 16 hex digits of the md5 of
    its raw contract columns, so a line keeps its key when a later delivery adds lines
    to its order (a line number would shift). Two distinct lines of one order with the
    same 64-bit digest would fail staging's unique test, never merge. -#}
{% macro order_line_content_key(raw_order_id, raw_columns) -%}
    {%- set parts = [] -%}
    {%- for column in raw_columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string()
            ~ "), chr(30))") -%}
    {%- endfor -%}
    coalesce({{ raw_order_id }}, '') || '#'
        || substring(md5({{ parts | join(" || chr(31) || ") }}), 1, 16)
{%- endmacro %}


{#- Model pre-hook of int_order_lines_validated and int_orders: delete the orders
    int_orders_to_refresh names, which the model then builds again. -#}
{% macro delete_orders_to_refresh(relation) -%}
    {%- if not execute or not orders_incremental() or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {{ return('delete from ' ~ relation ~ ' where order_id in (select order_id from '
        ~ ref('int_orders_to_refresh') ~ ')') }}
{%- endmacro %}


{#- The rows of orders an incremental build checks or sums again (all rows otherwise). -#}
{% macro is_order_to_refresh(order_id_column) -%}
    {%- if orders_incremental() and is_incremental() -%}
        {{ order_id_column }} in (select order_id from {{ ref('int_orders_to_refresh') }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{#- The keys of `model` an incremental build wrote (for unique_incremental): in a
    build that read only new files, the order lines of the latest load
    (written='latest_load', staging) or the orders int_orders_to_refresh names
    (written='orders_to_refresh', validated and summed again). '1 = 1' (every key)
    otherwise: without orders_incremental, and when staging holds one load only (the
    first build, or every file read again). -#}
{% macro keys_written_by_this_build(model, key_column, written) -%}
    {%- set staging = ref('stg_shop__order_lines') -%}
    {%- set orders_to_refresh = ref('int_orders_to_refresh') if written == 'orders_to_refresh' -%}
    {%- if written not in ['latest_load', 'orders_to_refresh'] -%}
        {{ exceptions.raise_compiler_error(
            "written must be 'latest_load' or 'orders_to_refresh', got '" ~ written ~ "'.") }}
    {%- endif -%}
    {%- if not execute or not orders_incremental() -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {%- set partial = run_query(
        'select min(load_number) < max(load_number) from ' ~ staging).rows[0][0] -%}
    {%- if not partial -%}
        {{ return('1 = 1') }}
    {%- elif written == 'latest_load' -%}
        {{ return(key_column ~ ' in (select ' ~ key_column ~ ' from ' ~ model
            ~ ' where load_number = (select max(load_number) from ' ~ model ~ '))') }}
    {%- else -%}
        {{ return(key_column ~ ' in (select order_id from ' ~ orders_to_refresh ~ ')') }}
    {%- endif -%}
{%- endmacro %}


{#- Staging's second pre-hook: this build starts on the incremental tables. -#}
{% macro start_order_build(staging_relation) -%}
    {%- if not execute or not orders_incremental() -%}{{ return('') }}{%- endif -%}
    {%- set builds = order_builds_relation(staging_relation) -%}
    create table if not exists {{ builds }} (
        invocation_id {{ dbt.type_string() }},
        started_at {{ dbt.type_timestamp() }}
    );
    insert into {{ builds }} values ('{{ invocation_id }}', {{ dbt.current_timestamp() }})
{%- endmacro %}


{#- on-run-end: a build that built every incremental model clears the record of
    unfinished builds (its own, and those whose tables it has just read again). -#}
{% macro finish_order_build(results) -%}
    {%- if not execute or not orders_incremental() -%}{{ return('') }}{%- endif -%}
    {%- set built = {} -%}
    {%- for result in results if result.node.resource_type == 'model' -%}
        {%- do built.update({result.node.name: result}) -%}
    {%- endfor -%}
    {%- set staging = built.get('stg_shop__order_lines') -%}
    {%- if staging is none -%}{{ return('') }}{%- endif -%}
    {%- for name in incremental_order_models() -%}
        {%- if name not in built or built[name].status != 'success' -%}
            {{ return('') }}
        {%- endif -%}
    {%- endfor -%}
    {%- set relation = api.Relation.create(database=staging.node.database,
        schema=staging.node.schema, identifier=staging.node.alias) -%}
    {{ return('delete from ' ~ order_builds_relation(relation)) }}
{%- endmacro %}
