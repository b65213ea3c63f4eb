-- Nothing is lost in staging: every raw line is either a clean order line or a
-- rejected line, never both, never neither. Fails with the three counts.

with

raw_lines as (

    select count(*) as line_count from {{ source('aws_saas', 'order_lines') }}

),

clean_lines as (

    select count(*) as line_count from {{ ref('stg_aws_saas__order_lines') }}

),

rejected_lines as (

    select count(*) as line_count from {{ ref('stg_aws_saas__rejected_order_lines') }}

),

final as (

    select
        raw_lines.line_count as raw_lines,
        clean_lines.line_count as clean_lines,
        rejected_lines.line_count as rejected_lines

    from raw_lines
    cross join clean_lines
    cross join rejected_lines

)

select * from final
where raw_lines != clean_lines + rejected_lines
