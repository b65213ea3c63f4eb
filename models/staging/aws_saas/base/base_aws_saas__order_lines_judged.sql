{{ config(materialized='view') }}

{#-
    Every raw order line with both verdicts on it: `reject_reason`, the first
    problem in the line itself (base_aws_saas__order_lines), and
    `duplicate_reject_reason`, set when the line repeats the Row ID of an
    earlier line (base_aws_saas__duplicate_lines, with the raw values of those
    lines). The clean and the rejected staging views both read this one join, so
    every line lands in exactly one of them.
-#}

with

order_lines as (

    select * from {{ ref('base_aws_saas__order_lines') }}

),

duplicate_lines as (

    select * from {{ ref('base_aws_saas__duplicate_lines') }}

),

final as (

    select
        order_lines.load_id,
        order_lines.source_file,
        order_lines.source_line_number,
        order_lines.reject_reason,
        order_lines.row_id,
        order_lines.order_id,
        order_lines.order_date,
        order_lines.date_key,
        order_lines.country,
        order_lines.city,
        order_lines.region,
        order_lines.subregion,
        order_lines.customer_name,
        order_lines.customer_id,
        order_lines.industry,
        order_lines.sales_segment,
        order_lines.product,
        order_lines.sales,
        order_lines.quantity,
        order_lines.discount,
        order_lines.profit,
        order_lines.line_fingerprint,
        order_lines.raw_values,
        duplicate_lines.reject_reason as duplicate_reject_reason,
        {%- for column in aws_saas_raw_columns() %}
            duplicate_lines.raw_{{ column }} as duplicate_raw_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from order_lines
    left join duplicate_lines
        on order_lines.source_line_number = duplicate_lines.source_line_number

)

select * from final
