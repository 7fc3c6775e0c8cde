{#- The orders an incremental build validates and sums again (var orders_incremental;
    empty otherwise): orders with a line of the latest load in staging (a new line, or
    a line seen again), orders of customers erased since the last build, orders left
    without a line when staging read every file again, and orders whose first line
    falls between the as_of_date they were checked against and today's. Read before
    int_order_lines_validated and int_orders are rebuilt, so it sees what the last
    build left. With each order, every customer it was or is now of: the per-customer
    aggregates recompute those customers. -#}
-- depends_on: {{ ref('stg_shop__order_lines') }}
-- depends_on: {{ ref('int_run_parameters') }}
-- depends_on: {{ ref('customers_to_forget') }}
{%- set staging = ref('stg_shop__order_lines') %}
{%- set validated = this.incorporate(
    path={'identifier': 'int_order_lines_validated'}) %}
{%- set previous = load_relation(validated)
    if execute and orders_incremental() else none %}
{%- if previous is not none %}
    {%- set columns = adapter.get_columns_in_relation(previous) | map(attribute='name') | list %}
    {%- if 'checked_as_of_date' not in columns %}
        {%- set previous = none %}
    {%- endif %}
{%- endif %}
{%- if previous is not none %}
    {#- every line of staging is of the latest load: it read every file again -#}
    {%- set reread = run_query('select min(load_number) = max(load_number) from '
        ~ staging).rows[0][0] %}
{%- endif %}
with

{% if previous is none %}

    final as (
        select
            cast(null as {{ dbt.type_string() }}) as order_id,
            cast(null as {{ dbt.type_string() }}) as customer_id
        where 1 = 0
    )

{% else %}

    run_parameters as (
        select * from {{ ref('int_run_parameters') }}
    ),

    this_load as (
        select max(load_number) as load_number
        from {{ staging }}
    ),

    staged_lines as (
        select
            staged_lines.order_id,
            staged_lines.customer_id
        from {{ staging }} as staged_lines
        inner join this_load
            on staged_lines.load_number = this_load.load_number
        where staged_lines.order_id is not null
    ),

    erased_orders as (
        select order_id
        from {{ previous }}
        where {{ is_forgotten('customer_id') }}
    ),

    -- after staging read every file again: orders with no line left (a delivery
    -- written anew without them)
    vanished_orders as (
        select checked_lines.order_id
        from {{ previous }} as checked_lines
        where
            {{ 'true' if reread else 'false' }}
            and not exists (
                select 1 from {{ staging }} as staged_lines
                where staged_lines.order_id = checked_lines.order_id
            )
    ),

    as_of_date_moved as (
        select checked_lines.order_id
        from {{ previous }} as checked_lines
        cross join run_parameters
        where
            cast(checked_lines.ordered_at as date)
            >= least(checked_lines.checked_as_of_date, run_parameters.as_of_date)
            and cast(checked_lines.ordered_at as date)
            < greatest(checked_lines.checked_as_of_date, run_parameters.as_of_date)
    ),

    orders_to_refresh as (
        select order_id from staged_lines
        union
        select order_id from erased_orders
        union
        select order_id from vanished_orders
        union
        select order_id from as_of_date_moved
    ),

    -- the customers of each order: before this build (the lines checked last time)
    -- and after it (the lines of this load)
    final as (
        select
            order_id,
            customer_id
        from staged_lines

        union

        select
            checked_lines.order_id,
            checked_lines.customer_id
        from {{ previous }} as checked_lines
        where checked_lines.order_id in (select order_id from orders_to_refresh)
    )

{% endif %}

select * from final
