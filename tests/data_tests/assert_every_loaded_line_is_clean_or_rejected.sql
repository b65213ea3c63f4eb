-- Nothing is lost in staging: for every load, the lines the loader counted in its
-- manifest (order lines and malformed lines) are the clean plus the rejected lines,
-- never both, never neither; and staging holds no load the manifest does not. Read
-- from the manifest's counts: no file and no raw line is read again. A failing row
-- names the load and the three counts. A staging built before the loader replaced
-- the raw tables (a full load) fails here: rebuild it with `dbt build --full-refresh`.

with

loaded_lines as (

    select
        load_id,
        sum(order_lines + malformed_lines) as line_count

    from {{ source('aws_saas', 'loaded_files') }}
    group by load_id

),

clean_lines as (

    select
        load_id,
        count(*) as line_count

    from {{ ref('stg_aws_saas__order_lines') }}
    group by load_id

),

rejected_lines as (

    select
        load_id,
        count(*) as line_count

    from {{ ref('stg_aws_saas__rejected_order_lines') }}
    group by load_id

),

loads as (

    select load_id from loaded_lines
    union
    select load_id from clean_lines
    union
    select load_id from rejected_lines

),

final as (

    select
        loads.load_id,
        coalesce(loaded_lines.line_count, 0) as loaded_lines,
        coalesce(clean_lines.line_count, 0) as clean_lines,
        coalesce(rejected_lines.line_count, 0) as rejected_lines

    from loads
    left join loaded_lines
        on loads.load_id = loaded_lines.load_id
    left join clean_lines
        on loads.load_id = clean_lines.load_id
    left join rejected_lines
        on loads.load_id = rejected_lines.load_id

)

select * from final
where loaded_lines != clean_lines + rejected_lines
