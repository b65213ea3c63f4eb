{{ config(post_hook="{{ assert_reject_rate_within_threshold(this) }}") }}

-- depends_on: {{ ref('base_aws_saas__order_lines') }} (the reject-rate check counts its lines)

with

judged_lines as (

    select * from {{ ref('base_aws_saas__order_lines_judged') }}

),

malformed_lines as (

    select * from {{ ref('base_aws_saas__malformed_lines') }}

),

judged_rejects as (

    -- a later line of a repeated Row ID is rejected as a duplicate, whatever else
    -- is wrong with it, and keeps the raw values its duplicate check read
    select
        load_id,
        source_file,
        source_line_number,
        coalesce(duplicate_reject_reason, reject_reason) as reject_reason,
        {%- for column in aws_saas_raw_columns() %}
            case
                when duplicate_reject_reason is not null then duplicate_raw_{{ column }}
                else {{ array_element('raw_values', loop.index) }}
            end as raw_{{ column }},
        {%- endfor %}
        cast(null as {{ dbt.type_bigint() }}) as source_file_line,
        cast(null as {{ dbt.type_string() }}) as raw_line,
        cast(null as {{ dbt.type_string() }}) as reader_error

    from judged_lines
    where
        reject_reason is not null
        or duplicate_reject_reason is not null

),

malformed_rejects as (

    -- the reader could not split the line: no field of it is known for sure
    select
        load_id,
        source_file,
        source_line_number,
        'malformed_line' as reject_reason,
        {%- for column in aws_saas_raw_columns() %}
            cast(null as {{ dbt.type_string() }}) as raw_{{ column }},
        {%- endfor %}
        source_file_line,
        raw_line,
        reader_error

    from malformed_lines

),

final as (

    select * from judged_rejects

    union all

    select * from malformed_rejects

)

select * from final
