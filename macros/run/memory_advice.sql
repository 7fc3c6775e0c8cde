{#- After the run: when DuckDB ran out of memory, say in one sentence which models and
    what to change, instead of leaving the user with DuckDB's generic hint. The limit
    (derived by set_memory_limit, or DUCKDB_MEMORY_LIMIT) is shared by every model
    running at once (DBT_THREADS), so both knobs are named. -#}
{% macro advise_on_memory_errors(results) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set failed = [] -%}
    {%- for result in results
        if result.status == 'error' and 'Out of Memory' in (result.message or '') -%}
        {%- do failed.append(result.node.name) -%}
    {%- endfor -%}
    {%- if failed -%}
        {%- set limit = run_query("select current_setting('memory_limit')").rows[0][0] -%}
        {{ log(
            "DuckDB ran out of memory in " ~ failed | join(', ') ~ " (memory_limit "
            ~ limit ~ ", shared by the " ~ env_var('DBT_THREADS', '1')
            ~ " model(s) dbt runs at once). Raise DUCKDB_MEMORY_LIMIT (e.g. "
            ~ "DUCKDB_MEMORY_LIMIT=8GB) and run dbt build again; a lower DBT_THREADS "
            ~ "also lowers the peak, as fewer models then share the limit.",
            info=true) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
