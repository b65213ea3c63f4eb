with

order_lines as (

    select
        base_lines.*,
        {{ base_line_number('base_lines') }} as line_number

    from {{ ref('base_aws_saas__order_lines') }} as base_lines

),

duplicate_lines as (

    select * from {{ ref('base_aws_saas__duplicate_lines') }}

),

final as (

    select
        order_lines.row_id,
        order_lines.order_id,
        order_lines.order_date,
        order_lines.date_key,
        order_lines.customer_id,
        order_lines.customer_name,
        order_lines.industry,
        order_lines.country,
        order_lines.city,
        order_lines.region,
        order_lines.subregion,
        order_lines.sales_segment,
        order_lines.product,
        order_lines.sales,
        order_lines.quantity,
        order_lines.discount,
        order_lines.profit,
        order_lines.source_file,
        order_lines.line_number as source_line_number

    from order_lines
    left join duplicate_lines
        on order_lines.line_number = duplicate_lines.source_line_number
    where
        order_lines.reject_reason is null
        and duplicate_lines.source_line_number is null

)

select * from final
