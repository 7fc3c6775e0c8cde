{#- Adjusted Rand index between two labelings of the same rows, in SQL (Hubert & Arabie):
    (sum_ij C(n_ij,2) - E) / (0.5 (sum_i C(a_i,2) + sum_j C(b_j,2)) - E), with
    E = sum_i C(a_i,2) sum_j C(b_j,2) / C(n,2). `relation` is a select or table with the
    two label columns; rows where either label is null are ignored. Yields one row. -#}
{% macro adjusted_rand_index(relation, label_a, label_b) -%}
    with

    labelled as (
        select {{ label_a }} as label_a, {{ label_b }} as label_b
        from {{ relation }}
        where {{ label_a }} is not null and {{ label_b }} is not null
    ),

    contingency as (
        select label_a, label_b, count(*) * 1.0e0 as pair_count
        from labelled
        group by label_a, label_b
    ),

    sums as (
        select
            (select sum(pair_count * (pair_count - 1) / 2) from contingency) as index_sum,
            (
                select sum(row_total * (row_total - 1) / 2)
                from (
                    select sum(pair_count) as row_total from contingency group by label_a
                ) as row_totals
            ) as row_sum,
            (
                select sum(column_total * (column_total - 1) / 2)
                from (
                    select sum(pair_count) as column_total from contingency group by label_b
                ) as column_totals
            ) as column_sum,
            (select count(*) * 1.0e0 from labelled) as labelled_rows
    )

    select
        labelled_rows,
        case
            when labelled_rows < 2 then null
            when 0.5 * (row_sum + column_sum)
                = row_sum * column_sum / (labelled_rows * (labelled_rows - 1) / 2)
                then 1.0e0
            else
                (index_sum - row_sum * column_sum / (labelled_rows * (labelled_rows - 1) / 2))
                / (
                    0.5 * (row_sum + column_sum)
                    - row_sum * column_sum / (labelled_rows * (labelled_rows - 1) / 2)
                )
        end as adjusted_rand
    from sums
{%- endmacro %}
