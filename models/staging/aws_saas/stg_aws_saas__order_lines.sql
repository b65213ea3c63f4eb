{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='append',
) }}

{#-
    The clean order lines: every raw line with no verdict against it.

    Incremental by load, as the base tables: a load can reject only its own
    lines (a later copy of a Row ID is in a later load), so the lines of earlier
    loads keep their verdict and a run adds only the new loads' lines; every
    model after staging reads a plain table instead of the join of the verdicts.
-#}

with

judged_lines as (

    select * from {{ ref('base_aws_saas__order_lines_judged') }}
    {%- if is_incremental() %}
        where load_id > (select coalesce(max(staged_loads.load_id), 0) from {{ this }} as staged_loads)
    {%- endif %}

),

final as (

    select
        row_id,
        order_id,
        order_date,
        date_key,
        customer_id,
        customer_name,
        industry,
        country,
        city,
        region,
        subregion,
        sales_segment,
        product,
        sales,
        quantity,
        discount,
        profit,
        source_file,
        source_line_number,
        load_id

    from judged_lines
    where
        reject_reason is null
        and duplicate_reject_reason is null

)

select * from final
