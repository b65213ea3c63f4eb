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
        {%- for column in aws_saas_raw_columns() %}
            {{ array_element('order_lines.raw_values', loop.index) }}
                as raw_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}

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
        {%- for column in aws_saas_raw_columns() %}
            duplicate_lines.raw_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}

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
