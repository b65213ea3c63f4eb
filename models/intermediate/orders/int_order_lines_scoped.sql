{{ config(materialized='view') }}

{#-
    The clean order lines dated before the analysis date, with that date: the
    one scope of every model that reads lines (orders, customer x product,
    customer descriptions). A view: each reader keeps only the columns it needs.
-#}

with

order_lines as (

    select * from {{ ref('stg_aws_saas__order_lines') }}

),

analysis_dates as (

    select * from {{ ref('int_analysis_dates_resolved') }}

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
        order_lines.source_line_number,
        analysis_dates.analysis_date

    from order_lines
    cross join analysis_dates
    where order_lines.order_date < analysis_dates.analysis_date

)

select * from final
