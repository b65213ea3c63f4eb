with

judged_lines as (

    select * from {{ ref('base_aws_saas__order_lines_judged') }}

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
