{{ config(post_hook="{{ assert_reject_rate_within_threshold(this) }}") }}

with

order_lines as (

    select * from {{ ref('base_aws_saas__order_lines') }}

),

final as (

    select
        source_file,
        source_line_number,
        reject_reason,
        raw_row_id,
        raw_order_id,
        raw_order_date,
        raw_date_key,
        raw_contact_name,
        raw_country,
        raw_city,
        raw_region,
        raw_subregion,
        raw_customer,
        raw_customer_id,
        raw_industry,
        raw_segment,
        raw_product,
        raw_license,
        raw_sales,
        raw_quantity,
        raw_discount,
        raw_profit

    from order_lines
    where reject_reason is not null

)

select * from final
