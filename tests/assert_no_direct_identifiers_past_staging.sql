-- Direct identifiers (name, email, phone, street address) must not reach any table
-- built by the project. Only the raw seeds (schema raw) hold them.
{{ config(severity='error') }}
-- depends_on: {{ ref('customers') }}
-- depends_on: {{ ref('customer_features') }}
-- depends_on: {{ ref('customer_lenses') }}
-- depends_on: {{ ref('rejected_customers') }}
-- depends_on: {{ ref('rfm_scores') }}

select
    table_schema,
    table_name,
    column_name
from information_schema.columns
where
    lower(table_schema) <> 'raw'
    and lower(table_catalog) = lower('{{ target.database }}')
    and lower(column_name) in (
        'name', 'first_name', 'last_name', 'full_name', 'email', 'email_address',
        'phone', 'phone_number', 'street_address', 'address'
    )
