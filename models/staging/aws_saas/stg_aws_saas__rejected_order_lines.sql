{{ config(post_hook="{{ assert_reject_rate_within_threshold(this) }}") }}

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

lines_with_a_problem as (

    -- a later line of a repeated Row ID is rejected as a duplicate (below),
    -- whatever else is wrong with it
    select
        order_lines.source_file,
        order_lines.line_number as source_line_number,
        order_lines.reject_reason,
        {{ array_element('order_lines.raw_values', 1) }} as raw_row_id,
        {{ array_element('order_lines.raw_values', 2) }} as raw_order_id,
        {{ array_element('order_lines.raw_values', 3) }} as raw_order_date,
        {{ array_element('order_lines.raw_values', 4) }} as raw_date_key,
        {{ array_element('order_lines.raw_values', 5) }} as raw_contact_name,
        {{ array_element('order_lines.raw_values', 6) }} as raw_country,
        {{ array_element('order_lines.raw_values', 7) }} as raw_city,
        {{ array_element('order_lines.raw_values', 8) }} as raw_region,
        {{ array_element('order_lines.raw_values', 9) }} as raw_subregion,
        {{ array_element('order_lines.raw_values', 10) }} as raw_customer,
        {{ array_element('order_lines.raw_values', 11) }} as raw_customer_id,
        {{ array_element('order_lines.raw_values', 12) }} as raw_industry,
        {{ array_element('order_lines.raw_values', 13) }} as raw_segment,
        {{ array_element('order_lines.raw_values', 14) }} as raw_product,
        {{ array_element('order_lines.raw_values', 15) }} as raw_license,
        {{ array_element('order_lines.raw_values', 16) }} as raw_sales,
        {{ array_element('order_lines.raw_values', 17) }} as raw_quantity,
        {{ array_element('order_lines.raw_values', 18) }} as raw_discount,
        {{ array_element('order_lines.raw_values', 19) }} as raw_profit

    from order_lines
    left join duplicate_lines
        on order_lines.line_number = duplicate_lines.source_line_number
    where
        order_lines.reject_reason is not null
        and duplicate_lines.source_line_number is null

),

later_copies_of_a_row_id as (

    select
        order_lines.source_file,
        duplicate_lines.source_line_number,
        duplicate_lines.reject_reason,
        duplicate_lines.raw_row_id,
        duplicate_lines.raw_order_id,
        duplicate_lines.raw_order_date,
        duplicate_lines.raw_date_key,
        duplicate_lines.raw_contact_name,
        duplicate_lines.raw_country,
        duplicate_lines.raw_city,
        duplicate_lines.raw_region,
        duplicate_lines.raw_subregion,
        duplicate_lines.raw_customer,
        duplicate_lines.raw_customer_id,
        duplicate_lines.raw_industry,
        duplicate_lines.raw_segment,
        duplicate_lines.raw_product,
        duplicate_lines.raw_license,
        duplicate_lines.raw_sales,
        duplicate_lines.raw_quantity,
        duplicate_lines.raw_discount,
        duplicate_lines.raw_profit

    from duplicate_lines
    inner join order_lines
        on duplicate_lines.source_line_number = order_lines.line_number

),

final as (

    select * from lines_with_a_problem
    union all
    select * from later_copies_of_a_row_id

)

select * from final
