{#-
    One row per line of the input the CSV reader could not make into the
    header's fields: its file, its line in the file, its position among the
    input's data lines (numbered like the order lines by the loader) and what
    the reader recovered of it.
-#}

with

malformed_lines as (

    select * from {{ source('aws_saas', 'malformed_lines') }}

),

final as (

    select
        load_id,
        source_file,
        source_file_line,
        source_line_number,
        raw_line,
        reader_error

    from malformed_lines

)

select * from final
