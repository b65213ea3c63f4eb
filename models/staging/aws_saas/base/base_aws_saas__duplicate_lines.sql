{{ config(
    materialized=('incremental' if target.type == 'duckdb' else 'table'),
    incremental_strategy='append',
    meta={'rebuilt_with_input': true},
) }}

{#-
    One row per line that repeats the Row ID of an earlier line: the first line
    with a Row ID is kept, every later one is rejected, as
    `exact_duplicate_line` when its 19 raw values equal the first line's (same
    fingerprint), else as `duplicate_row_id`; with the line's raw values.

    Small whatever the size of the file: it keeps only the lines whose Row ID
    repeats. Their raw values come from a second read of the file filtered to
    those Row IDs, matched by fingerprint (identical lines have identical raw
    values). When no Row ID repeats, the filter is empty and DuckDB skips that
    read.

    Incremental with the base table: when a run appends new files only, the
    lines it can find repeating an earlier Row ID are in those files (a first
    copy stays first), so only they are judged and only those files read again.
-#}

{%- set raw_columns = aws_saas_raw_columns() %}

with

base_lines as (

    select
        base_lines.row_id,
        base_lines.line_fingerprint,
        base_lines.source_file,
        {{ base_line_number('base_lines') }} as source_line_number

    from {{ ref('base_aws_saas__order_lines') }} as base_lines
    where base_lines.row_id is not null

),

raw_lines as (

    select * from {{ source('aws_saas', 'order_lines') }}
    {%- if is_incremental() %}
        where source_file in ({{ aws_saas_input_load()['new_files_sql'] }})
    {%- endif %}

),

repeated_row_ids as (

    select row_id

    from base_lines
    group by row_id
    having count(*) > 1

),

repeated_lines as (

    select base_lines.*

    from base_lines
    inner join repeated_row_ids
        on base_lines.row_id = repeated_row_ids.row_id

),

first_lines as (

    select
        row_id,
        min(source_line_number) as first_line_number,
        {{ value_at_first('line_fingerprint', 'source_line_number') }} as first_line_fingerprint

    from repeated_lines
    group by row_id

),

later_lines as (

    select
        repeated_lines.source_line_number,
        repeated_lines.row_id,
        repeated_lines.line_fingerprint,
        case
            when repeated_lines.line_fingerprint = first_lines.first_line_fingerprint
                then 'exact_duplicate_line'
            else 'duplicate_row_id'
        end as reject_reason

    from repeated_lines
    inner join first_lines
        on repeated_lines.row_id = first_lines.row_id
    where
        {% if is_incremental() -%}
            repeated_lines.source_file in ({{ aws_saas_input_load()['new_files_sql'] }}) and
        {% endif -%}
        repeated_lines.source_line_number > first_lines.first_line_number

),

raw_lines_of_repeated_row_ids as (

    -- read only when some Row ID repeats (a semi join with an empty side)
    select *

    from raw_lines
    where {{ parse_number('trim(row_id)', dbt.type_bigint(), integer_only=true) }} in (
        select repeated_row_ids.row_id from repeated_row_ids
    )

),

fingerprinted_raw_lines as (

    select
        *,
        {{ line_fingerprint(raw_columns) }} as line_fingerprint

    from raw_lines_of_repeated_row_ids

),

raw_values as (

    -- one row per distinct line: copies of a line share its raw values
    select
        line_fingerprint,
        {%- for column in raw_columns %}
            min({{ column }}) as raw_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from fingerprinted_raw_lines
    group by line_fingerprint

),

final as (

    select
        later_lines.source_line_number,
        later_lines.row_id,
        later_lines.reject_reason,
        {%- for column in raw_columns %}
            raw_values.raw_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from later_lines
    left join raw_values
        on later_lines.line_fingerprint = raw_values.line_fingerprint

)

select * from final
