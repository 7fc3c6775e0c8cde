{#- int_orders_aggregated_to_customers reads the orders once for every snapshot: each
    snapshot's figures are columns side by side (<snapshot>__<figure>), each counting
    only the orders before that snapshot's date, then one select per snapshot turns them
    back into rows. Joining the orders to the snapshots instead doubled 18M orders to
    36M rows (11.1 s -> 8.0 s at 1M, same rows, bench/RESULTS.md, session 7). -#}
{% macro order_figures() -%}
    {{ return(['snapshot_date', 'first_order_date', 'last_order_date', 'order_count',
               'frequency', 'returned_order_count', 'cancelled_order_count', 'monetary',
               'gross_amount', 'returned_amount', 'mean_lines_per_order']) }}
{%- endmacro %}


{#- The aggregates of one snapshot, over orders joined to snapshot_dates. -#}
{% macro order_figures_before(snapshot) -%}
    {%- set date = 'snapshot_dates.' ~ snapshot ~ '_snapshot_date' -%}
    {%- set before = 'orders.order_date < ' ~ date -%}
    min({{ date }}) as {{ snapshot }}__snapshot_date,
    min(case when {{ before }} then orders.order_date end) as {{ snapshot }}__first_order_date,
    max(case when {{ before }} then orders.order_date end) as {{ snapshot }}__last_order_date,
    {{ count_where(before) }} as {{ snapshot }}__order_count,
    {{ count_where(before ~ ' and orders.is_purchase') }} as {{ snapshot }}__frequency,
    {{ count_where(before ~ " and orders.order_status = 'returned'") }}
        as {{ snapshot }}__returned_order_count,
    {{ count_where(before ~ " and orders.order_status = 'cancelled'") }}
        as {{ snapshot }}__cancelled_order_count,
    sum(case when {{ before }} then orders.net_amount end) as {{ snapshot }}__monetary,
    sum(case when {{ before }} then orders.gross_amount end) as {{ snapshot }}__gross_amount,
    sum(case when {{ before }} then orders.returned_amount end)
        as {{ snapshot }}__returned_amount,
    avg(case when {{ before }} then orders.line_count end)
        as {{ snapshot }}__mean_lines_per_order
{%- endmacro %}


{#- One snapshot's rows: the customers with an order before its date. -#}
{% macro order_figures_of(snapshot, relation) -%}
    select
        '{{ snapshot }}' as snapshot,
        customer_id,
        {%- for figure in order_figures() %}
        {{ snapshot }}__{{ figure }} as {{ figure }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    where {{ snapshot }}__order_count > 0
{%- endmacro %}


{#- The figures measured from the snapshot's date, from a row's first and last order
    dates (`row` prefixes the columns, e.g. 'stored.'): one definition for the model
    and the post-hook that moves kept rows to a new date (incremental_customers.sql). -#}
{% macro order_figures_as_of(row, snapshot_date) -%}
    {{ return({
        'recency_days': days_between(row ~ 'last_order_date', snapshot_date),
        'tenure_days': days_between(row ~ 'first_order_date', snapshot_date),
    }) }}
{%- endmacro %}
