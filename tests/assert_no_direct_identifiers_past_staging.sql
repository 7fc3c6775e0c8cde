-- Direct identifiers (name, email, phone, street address) must not reach any table
-- built by the project. Only the raw seeds (schema raw) hold them.
{{ config(severity='error') }}
-- depends_on: {{ ref('customers') }}
-- depends_on: {{ ref('customer_features') }}
-- depends_on: {{ ref('customer_lenses') }}
-- depends_on: {{ ref('rejected_customers') }}
-- depends_on: {{ ref('rfm_scores') }}

{{ columns_named_like_identifiers([
    'name', 'first_name', 'last_name', 'full_name', 'email', 'email_address',
    'phone', 'phone_number', 'street_address', 'address']) }}
