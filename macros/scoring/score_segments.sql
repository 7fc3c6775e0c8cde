{#- SQL scoring of the fitted segmentation model, so every customer gets a segment in the
    warehouse without Python and without refitting.

    Arguments:
      features:      relation with customer_id and the source feature columns
      preprocessing: relation written by segment_preprocessing (one row per feature)
      centroids:     relation written by segment_centroids (one column per feature)

    For each selected feature, in this order: impute (coalesce), transform (log1p of the
    non-negative part, or a missing indicator), clip to the fitted bounds, standardise.
    Then the Euclidean distance to every centroid; the nearest wins (ties: lowest id).
    Returns one row per customer and segment with distance_rank (1 = assigned). -#}
{% macro score_segments(features, preprocessing, centroids) -%}
    {%- set steps = segment_scoring_steps(preprocessing) -%}
    with

    scaled_features as (
        select
            customer_id,
            {%- for step in steps %}
            {{ scaled_feature_sql(step) }} as {{ adapter.quote('scaled__' ~ step['feature']) }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ features }}
    ),

    distances as (
        select
            scaled_features.customer_id,
            centroids.segment_id,
            sqrt(
                {%- for step in steps %}
                power(
                    scaled_features.{{ adapter.quote('scaled__' ~ step['feature']) }}
                    - centroids.{{ adapter.quote(step['feature']) }}, 2
                ){{ " +" if not loop.last }}
                {%- endfor %}
                {%- if not steps %}0{% endif %}
            ) as distance
        from scaled_features
        cross join {{ centroids }} as centroids
    )

    select
        customer_id,
        segment_id,
        distance,
        row_number() over (
            partition by customer_id order by distance, segment_id
        ) as distance_rank
    from distances
{%- endmacro %}


{#- One standardised feature as SQL, from one row of the preprocessing table. -#}
{% macro scaled_feature_sql(step) -%}
    {%- set source = 'cast(' ~ adapter.quote(step['source_column']) ~ ' as '
        ~ type_double() ~ ')' -%}
    {%- if step['transform'] == 'missing_indicator' -%}
        {%- set value = '(case when ' ~ source ~ ' is null then 1.0e0 else 0.0e0 end)' -%}
    {%- else -%}
        {%- set value = 'coalesce(' ~ source ~ ', ' ~ sql_float(step['impute_value']) ~ ')' -%}
        {%- if step['transform'] == 'log1p' -%}
            {%- set value = 'ln(1 + greatest(' ~ value ~ ', 0))' -%}
        {%- elif step['transform'] != 'identity' -%}
            {{ exceptions.raise_compiler_error(
                "Unknown transform '" ~ step['transform'] ~ "' for feature "
                ~ step['feature'] ~ " in segment_preprocessing.") }}
        {%- endif -%}
        {%- set value = 'least(greatest(' ~ value ~ ', ' ~ sql_float(step['lower_bound'])
            ~ '), ' ~ sql_float(step['upper_bound']) ~ ')' -%}
    {%- endif -%}
    (({{ value }}) - {{ sql_float(step['center']) }}) / {{ sql_float(step['scale']) }}
{%- endmacro %}


{#- A float literal with full precision (repr), so SQL and Python agree to the last bit. -#}
{% macro sql_float(value) -%}
    {%- if value is none -%}
        {{ exceptions.raise_compiler_error("A fitted scoring parameter is missing (null).") }}
    {%- endif -%}
    cast({{ value | float | string }} as {{ type_double() }})
{%- endmacro %}


{#- The selected rows of the preprocessing table, in feature order, as dicts. -#}
{% macro segment_scoring_steps(preprocessing) -%}
    {%- if not execute or load_relation(preprocessing) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select
            feature, source_column, transform, impute_value, lower_bound, upper_bound,
            center, scale
        from {{ preprocessing }}
        where is_selected
        order by feature_order
    {%- endset -%}
    {%- set result = run_query(query) -%}
    {%- set steps = [] -%}
    {%- for row in result.rows -%}
        {%- do steps.append({
            'feature': row[0], 'source_column': row[1], 'transform': row[2],
            'impute_value': row[3], 'lower_bound': row[4], 'upper_bound': row[5],
            'center': row[6], 'scale': row[7],
        }) -%}
    {%- endfor -%}
    {{ return(steps) }}
{%- endmacro %}
