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
        order_lines.*,
        analysis_dates.analysis_date

    from order_lines
    cross join analysis_dates
    where order_lines.order_date < analysis_dates.analysis_date

)

select * from final
