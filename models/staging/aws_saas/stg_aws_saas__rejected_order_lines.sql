{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='append',
    post_hook="{{ assert_reject_rate_within_threshold(this) }}",
) }}

{#-
    The rejected lines: a verdict against the line itself, a later copy of a Row ID, or
    a line the reader could not split (malformed), with the raw values or text.

    Incremental by load, as the base tables: a load can reject only its own
    lines (a later copy of a Row ID is in a later load), so the lines of earlier
    loads keep their verdict and a run adds only the new loads' lines; every
    model after staging reads a plain table instead of the join of the verdicts.
-#}

-- depends_on: {{ ref('base_aws_saas__order_lines') }} (the reject-rate check counts its lines)

with

judged_lines as (

    select * from {{ ref('base_aws_saas__order_lines_judged') }}
    {%- if is_incremental() %}
        where load_id > (select coalesce(max(staged_loads.load_id), 0) from {{ this }} as staged_loads)
    {%- endif %}

),

malformed_lines as (

    select * from {{ ref('base_aws_saas__malformed_lines') }}
    {%- if is_incremental() %}
        where load_id > (select coalesce(max(staged_loads.load_id), 0) from {{ this }} as staged_loads)
    {%- endif %}

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
