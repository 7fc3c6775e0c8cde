{#- Per-customer aggregates with the var orders_incremental: a build recomputes only
    the customers whose figures can have changed, and moves every other row to the
    new snapshot dates (README, "Read only what is new").

    A customer's figures at a snapshot depend on their orders before its date. They
    change when one of their orders changed (int_orders_to_refresh names every
    customer an order was or is of), or when an order of theirs falls between the
    snapshot's previous date and its new one. Columns measured from the snapshot's
    date (recency, tenure) move for every customer: the post-hook updates them. -#}

{#- The customers of `relation` (keyed by snapshot and customer, the snapshot's date
    in snapshot_date) this build recomputes: {'mode': 'full' (a table build: all),
    'all' (the snapshots changed: delete every row, recompute all), 'some'} and
    'condition', a SQL condition on `customer_column`. -#}
{% macro customers_to_refresh(relation, customer_column='customer_id') -%}
    {%- set orders = ref('int_orders') -%}
    {%- set orders_to_refresh = ref('int_orders_to_refresh') -%}
    {%- set snapshots = ref('int_feature_snapshots') -%}
    {%- set plan = {'mode': 'full', 'condition': '1 = 1'} -%}
    {%- if not execute or not orders_incremental() or not is_incremental() -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set previous = {} -%}
    {%- for row in run_query('select snapshot, cast(min(snapshot_date) as '
            ~ dbt.type_string() ~ '), cast(max(snapshot_date) as ' ~ dbt.type_string()
            ~ ') from ' ~ relation ~ ' group by snapshot').rows -%}
        {%- do previous.update({row[0]: row[1] if row[1] == row[2] else none}) -%}
    {%- endfor -%}
    {%- set now = {} -%}
    {%- for row in run_query('select snapshot, cast(snapshot_date as '
            ~ dbt.type_string() ~ ') from ' ~ snapshots).rows -%}
        {%- do now.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- if previous.keys() | sort | list != now.keys() | sort | list
            or none in previous.values() -%}
        {%- do plan.update({'mode': 'all'}) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set moved = [] -%}
    {%- for snapshot, date in now.items() if previous[snapshot] != date -%}
        {%- set dates = [previous[snapshot], date] | sort -%}
        {%- do moved.append("(order_date >= cast('" ~ dates[0] ~ "' as date) and "
            ~ "order_date < cast('" ~ dates[1] ~ "' as date))") -%}
    {%- endfor -%}
    {%- set condition = customer_column ~ ' in (select customer_id from '
        ~ orders_to_refresh -%}
    {%- if moved -%}
        {%- set condition = condition ~ ' union select customer_id from ' ~ orders
            ~ ' where ' ~ moved | join(' or ') -%}
    {%- endif -%}
    {%- do plan.update({'mode': 'some', 'condition': condition ~ ')'}) -%}
    {{ return(plan) }}
{%- endmacro %}


{#- Pre-hook: delete the rows the build recomputes. -#}
{% macro delete_customers_to_refresh(relation) -%}
    {%- set plan = customers_to_refresh(relation) -%}
    {%- if plan['mode'] == 'all' -%}
        {{ return('delete from ' ~ relation) }}
    {%- elif plan['mode'] == 'some' -%}
        {{ return('delete from ' ~ relation ~ ' where ' ~ plan['condition']) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}


{#- Post-hook: the rows kept move to the snapshots' new dates. `columns` maps each
    column measured from the snapshot's date to its new value, an expression over the
    stored row (alias `stored`) and the new date (`snapshots.snapshot_date`). -#}
{% macro move_to_snapshot_dates(relation, columns) -%}
    {%- if not execute or not orders_incremental() or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set snapshots = ref('int_feature_snapshots') -%}
    update {{ relation }} as stored
    set
        {%- for column, expression in columns.items() %}
        {{ column }} = {{ expression }},
        {%- endfor %}
        snapshot_date = snapshots.snapshot_date
    from {{ snapshots }} as snapshots
    where
        stored.snapshot = snapshots.snapshot
        and stored.snapshot_date <> snapshots.snapshot_date
{%- endmacro %}
