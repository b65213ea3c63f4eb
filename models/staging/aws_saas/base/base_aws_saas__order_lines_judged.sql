{{ config(materialized='view') }}

{#-
    Every raw order line with both verdicts on it: `reject_reason`, the first
    problem in the line itself (base_aws_saas__order_lines), and
    `duplicate_reject_reason`, set when the line repeats the Row ID of an
    earlier line (base_aws_saas__duplicate_lines, with the raw values of those
    lines). The clean and the rejected staging views both read this one join, so
    every line lands in exactly one of them. `line_number` is the line's
    position in the input, counting the malformed lines before it
    (positioned_among_malformed_lines).
-#}

with

order_lines as (

    select
        base_lines.*,
        {{ base_line_number('base_lines') }} as read_position

    from {{ ref('base_aws_saas__order_lines') }} as base_lines

),

malformed_lines as (

    select * from {{ ref('base_aws_saas__malformed_lines') }}

),

duplicate_lines as (

    select * from {{ ref('base_aws_saas__duplicate_lines') }}

),

positioned_lines as (

    {{ positioned_among_malformed_lines('order_lines', 'read_position', 'malformed_lines') }}

),

final as (

    select
        positioned_lines.source_file,
        positioned_lines.reject_reason,
        positioned_lines.row_id,
        positioned_lines.order_id,
        positioned_lines.order_date,
        positioned_lines.date_key,
        positioned_lines.country,
        positioned_lines.city,
        positioned_lines.region,
        positioned_lines.subregion,
        positioned_lines.customer_name,
        positioned_lines.customer_id,
        positioned_lines.industry,
        positioned_lines.sales_segment,
        positioned_lines.product,
        positioned_lines.sales,
        positioned_lines.quantity,
        positioned_lines.discount,
        positioned_lines.profit,
        positioned_lines.line_fingerprint,
        positioned_lines.raw_values,
        positioned_lines.line_number,
        duplicate_lines.reject_reason as duplicate_reject_reason,
        {%- for column in aws_saas_raw_columns() %}
            duplicate_lines.raw_{{ column }} as duplicate_raw_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from positioned_lines
    left join duplicate_lines
        -- base_aws_saas__duplicate_lines numbers lines as base_line_number does
        on positioned_lines.read_position = duplicate_lines.source_line_number

)

select * from final
