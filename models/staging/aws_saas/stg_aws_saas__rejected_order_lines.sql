{{ config(post_hook="{{ assert_reject_rate_within_threshold(this) }}") }}

-- depends_on: {{ ref('base_aws_saas__order_lines') }} (the reject-rate check counts its lines)

with

judged_lines as (

    select * from {{ ref('base_aws_saas__order_lines_judged') }}

),

final as (

    -- a later line of a repeated Row ID is rejected as a duplicate, whatever else
    -- is wrong with it, and keeps the raw values its duplicate check read
    select
        source_file,
        line_number as source_line_number,
        coalesce(duplicate_reject_reason, reject_reason) as reject_reason,
        {%- for column in aws_saas_raw_columns() %}
            case
                when duplicate_reject_reason is not null then duplicate_raw_{{ column }}
                else {{ array_element('raw_values', loop.index) }}
            end as raw_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from judged_lines
    where
        reject_reason is not null
        or duplicate_reject_reason is not null

)

select * from final
