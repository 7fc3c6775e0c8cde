{#- DuckDB's memory limit for this run, chosen by the on-run-start hook before the first
    model and shared by every model dbt runs at once. The DUCKDB_MEMORY_LIMIT
    environment variable wins. Otherwise it is derived from the input and the machine:
    1.5 GB for 20 million order lines (measured best at 1M customers: lower is slower,
    higher only raises the peak, bench/RESULTS.md), growing with the square root of the
    order lines (4.7 GB at 200 million, where a fixed 1.5 GB ran out of memory), at
    least 1.5 GB, and never above 40% of the memory DuckDB sees on this machine (half its
    own default; on a small machine this cap wins), so that dbt, the Python models and
    the system keep the rest.
    Returns {'limit': '<n>MB', 'by': a sentence for the log}. -#}
{% macro memory_limit_for_run() -%}
    {%- set chosen = env_var('DUCKDB_MEMORY_LIMIT', '') | trim -%}
    {%- if chosen -%}
        {{ return({'limit': chosen, 'by': 'set by DUCKDB_MEMORY_LIMIT'}) }}
    {%- endif -%}
    {%- do run_query('reset memory_limit') -%}
    {%- set machine_mb = (setting_bytes(
        run_query("select current_setting('memory_limit')").rows[0][0]) / 1000000 / 0.8) -%}
    {%- set lines = order_line_estimate() -%}
    {%- set wanted_mb = 1500 * ([(lines or 0) / 20000000, 1] | max) ** 0.5 -%}
    {%- set cap_mb = machine_mb * 0.4 -%}
    {%- set limit_mb = ([wanted_mb, cap_mb] | min) | int -%}
    {{ return({
        'limit': limit_mb ~ 'MB',
        'by': 'derived from ' ~ (format_number(lines) ~ ' order lines' if lines is not none
            else 'order lines not loaded yet') ~ ' (1500MB per 20 '
            ~ 'million, square root growth, at least 1500MB) and at most 40% of the '
            ~ (machine_mb | int) ~ 'MB of memory DuckDB sees; set DUCKDB_MEMORY_LIMIT to '
            ~ 'choose'}) }}
{%- endmacro %}


{#- Bytes in a DuckDB size setting as current_setting shows it ('18.8 GiB', '1.5GB'). -#}
{% macro setting_bytes(text) -%}
    {%- set found = modules.re.match('^\s*([0-9.]+)\s*([KMGT]?)(i?)B\s*$', text | string) -%}
    {%- if not found -%}
        {{ exceptions.raise_compiler_error("Cannot read the memory size '" ~ text ~ "'.") }}
    {%- endif -%}
    {%- set base = 1024 if found.group(3) else 1000 -%}
    {%- set power = ['', 'K', 'M', 'G', 'T'].index(found.group(2)) -%}
    {{ return(found.group(1) | float * base ** power) }}
{%- endmacro %}


{#- About how many raw order lines the run reads, cheaply: Parquet metadata, a CSV's
    size (at 60 bytes a line), or the source table's row count; none when the table is
    not there yet (the sample's seeds, before the first build loads them). -#}
{% macro order_line_estimate() -%}
    {%- set origin = input_origin('orders') -%}
    {%- if origin == 'file' -%}
        {%- set path = input_path('orders') -%}
        {%- if (path | lower).endswith('.parquet') or (path | lower).endswith('.parq') -%}
            {%- set counted = run_query(
                "select sum(num_rows) from parquet_file_metadata('" ~ path ~ "')") -%}
            {{ return(counted.rows[0][0] or 0) }}
        {%- endif -%}
        {%- set sized = run_query("select sum(size) from read_blob('" ~ path ~ "')") -%}
        {{ return(((sized.rows[0][0] or 0) / 60) | int) }}
    {%- elif origin == 'source' -%}
        {#- a hook may not ref() the sample seed (input_source does): find the source's
            table from the graph -#}
        {%- for node in graph.sources.values()
            if node.source_name == 'segmentation' and node.name == 'orders' -%}
            {%- set relation = adapter.get_relation(
                database=node.database, schema=node.schema, identifier=node.identifier) -%}
            {%- if relation is not none -%}
                {%- set counted = run_query('select count(*) from ' ~ relation) -%}
                {{ return(counted.rows[0][0]) }}
            {%- endif -%}
        {%- endfor -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(0) }}
{%- endmacro %}


{#- The on-run-start hook: set the limit (DuckDB; other engines manage their own memory)
    and say in the log what it is and why. The profile does not set memory_limit, so
    every model's connection keeps this one. -#}
{% macro set_memory_limit() -%}
    {{ return(adapter.dispatch('set_memory_limit', 'segmentation')()) }}
{%- endmacro %}

{% macro default__set_memory_limit() -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__set_memory_limit() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set chosen = memory_limit_for_run() -%}
    {{ log("DuckDB memory_limit " ~ chosen['limit'] ~ ": " ~ chosen['by'] ~ ".", info=true) }}
    set memory_limit = '{{ chosen["limit"] }}'
{%- endmacro %}
