{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='append',
) }}

{#-
    One row per line that repeats the Row ID of an earlier line: the first line
    with a Row ID is kept, every later one is rejected, as
    `exact_duplicate_line` when its 19 raw values equal the first line's (same
    fingerprint), else as `duplicate_row_id`; with the line's raw values (from
    the raw table, only for the lines of repeated Row IDs).

    Incremental by load, as base_aws_saas__order_lines: a load's lines come
    after every earlier load's (the loader numbers them so), so a first copy
    stays first and only the new load's lines can be later copies; they are
    judged against every line typed so far.
-#}

{%- set raw_columns = aws_saas_raw_columns() %}

with

typed_lines as (

    select
        load_id,
        row_id,
        line_fingerprint,
        source_line_number

    from {{ ref('base_aws_saas__order_lines') }}
    where row_id is not null

),

new_lines as (

    select * from typed_lines
    {%- if is_incremental() %}
        where load_id > (select coalesce(max(judged_loads.load_id), 0) from {{ this }} as judged_loads)
    {%- endif %}

),

new_row_ids as (

    select distinct row_id from new_lines

),

repeated_row_ids as (

    select typed_lines.row_id

    from typed_lines
    inner join new_row_ids
        on typed_lines.row_id = new_row_ids.row_id
    group by typed_lines.row_id
    having count(*) > 1

),

repeated_lines as (

    select typed_lines.*

    from typed_lines
    inner join repeated_row_ids
        on typed_lines.row_id = repeated_row_ids.row_id

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
        new_lines.load_id,
        new_lines.source_line_number,
        new_lines.row_id,
        case
            when new_lines.line_fingerprint = first_lines.first_line_fingerprint
                then 'exact_duplicate_line'
            else 'duplicate_row_id'
        end as reject_reason

    from new_lines
    inner join first_lines
        on new_lines.row_id = first_lines.row_id
    where new_lines.source_line_number > first_lines.first_line_number

),

raw_lines as (

    -- the raw values of the later copies only: they are all in the new loads
    select * from {{ source('aws_saas', 'order_lines') }}
    {%- if is_incremental() %}
        where load_id > (select coalesce(max(judged_loads.load_id), 0) from {{ this }} as judged_loads)
    {%- endif %}

),

final as (

    select
        later_lines.load_id,
        later_lines.source_line_number,
        later_lines.row_id,
        later_lines.reject_reason,
        {%- for column in raw_columns %}
            raw_lines.{{ column }} as raw_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from later_lines
    inner join raw_lines
        on later_lines.source_line_number = raw_lines.source_line_number

)

select * from final
