{#- Right to erasure: a select of the customer ids to forget (the customers_to_forget
    seed plus the var forget_customer_ids), never null. `seed` overrides ref() where
    refs cannot be used (run hooks). -#}
{% macro forgotten_customer_ids(seed=none) -%}
    select {{ clean_id('customer_id') }} as customer_id
    from (
        select cast(customer_id as {{ dbt.type_string() }}) as customer_id
        from {{ seed if seed is not none else ref('customers_to_forget') }}
        {%- for customer_id in var('forget_customer_ids', []) %}
        union all
        select '{{ customer_id | string | trim | replace("'", "''") }}' as customer_id
        {%- endfor %}
    ) as forget_requests
    where {{ clean_id('customer_id') }} is not null
{%- endmacro %}


{#- True for rows of a customer to forget (null ids are never forgotten). -#}
{% macro is_forgotten(customer_id_column, seed=none) -%}
    coalesce(
        {{ clean_id(customer_id_column) }} in ({{ forgotten_customer_ids(seed) }}), false
    )
{%- endmacro %}


{#- Delete the forgotten customers from a table the project built before (the
    incremental segment_history, the sample's raw seed copies). -#}
{% macro purge_forgotten_customers(relation, seed=none) -%}
    {{ return(adapter.dispatch('purge_forgotten_customers', 'segmentation')(relation, seed)) }}
{%- endmacro %}

{% macro default__purge_forgotten_customers(relation, seed=none) -%}
    delete from {{ relation }}
    where {{ is_forgotten('customer_id', seed) }}
{%- endmacro %}

{#- Spark: parquet tables support no DELETE and cannot be overwritten from themselves,
    so the kept rows go through a staging table (one statement per call). -#}
{% macro spark__purge_forgotten_customers(relation, seed=none) -%}
    {%- set kept = relation.incorporate(path={'identifier': relation.identifier ~ '__kept'}) -%}
    {%- if execute -%}
        {%- do run_query('drop table if exists ' ~ kept) -%}
        {#- a partitioned history: rewrite every partition, also those left empty -#}
        {%- do run_query('set spark.sql.sources.partitionOverwriteMode = STATIC') -%}
        {%- do run_query('create table ' ~ kept ~ ' using parquet as select * from ' ~ relation
            ~ ' where not ' ~ is_forgotten('customer_id', seed)) -%}
        {%- do run_query('insert overwrite table ' ~ relation ~ ' select * from ' ~ kept) -%}
        {%- do run_query('drop table if exists ' ~ kept) -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}


{#- on-run-end: delete the forgotten customers from the bundled sample's seed tables
    that exist (the project's own copies). Hooks cannot ref(), so the seed tables are
    looked up in the seeds' schema. Your own tables (the source vars) and files are
    never touched: a log line says how many customers' rows are yours to delete. -#}
{% macro purge_forgotten_from_raw_seeds() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- if not uses_sample_seeds() or uses_user_files() -%}
        {#- your own tables and files are never written to: say what is left there -#}
        {%- set forget_seed = adapter.get_relation(
            database=target.database, schema='raw', identifier='customers_to_forget') -%}
        {%- set forgotten = run_query(
            "select count(*) from (" ~ forgotten_customer_ids(forget_seed) ~ ") as ids"
        ).rows[0][0] if forget_seed is not none else (var('forget_customer_ids', []) | length) -%}
        {%- if forgotten > 0 -%}
            {{ log("Right to erasure: the " ~ forgotten ~ " customers to forget are left out of "
                ~ "every table this project built, and purged from its history. Their rows "
                ~ "in your own inputs (the source segmentation or the *_path files) are "
                ~ "yours to delete: this project never writes to them.", info=true) }}
        {%- endif -%}
        {{ return('') }}
    {%- endif -%}
    {%- set forget_seed = adapter.get_relation(
        database=target.database, schema='raw', identifier='customers_to_forget') -%}
    {%- if forget_seed is none -%}{{ return('') }}{%- endif -%}
    {%- set statements = [] -%}
    {%- for entity in ['orders', 'customers', 'events', 'survey_responses', 'labels'] -%}
        {%- set seed = adapter.get_relation(
            database=target.database, schema='raw',
            identifier=input_spec(entity)['seed']) -%}
        {%- if seed is not none -%}
            {%- set statement = purge_forgotten_customers(seed, forget_seed) -%}
            {%- if statement | trim -%}{%- do statements.append(statement) -%}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}
