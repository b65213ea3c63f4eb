-- Nothing is lost in staging: every raw line is either a clean order line or a
-- rejected line, never both, never neither. Fails with the three counts. The raw
-- lines are those the reader made into fields and those it could not (malformed).

with

raw_lines as (

    -- every field of a line is read (a fingerprint of all 19): a reader that skips
    -- the fields a query does not need would count a malformed line as a line
    select
        (
            select count({{ line_fingerprint(aws_saas_raw_columns()) }})
            from {{ source('aws_saas', 'order_lines') }}
        )
        + (select count(*) from {{ source('aws_saas', 'malformed_lines') }}) as line_count

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
