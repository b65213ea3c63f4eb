{#-
    One row per line of the input the CSV reader could not make into the
    header's fields: its file, its line in the file, its position among the
    input's data lines and what the reader recovered of it.

    `order_lines_before` counts the order lines the reader did make before it,
    in input order (its position minus the malformed lines up to it): where it
    sits among them, which base_aws_saas__order_lines_judged needs to give every
    order line its position in the input.
-#}

-- depends_on: {{ ref('base_aws_saas__order_lines') }} (its post-hook writes the source)

with

malformed_lines as (

    select * from {{ source('aws_saas', 'malformed_lines') }}

),

final as (

    select
        source_file,
        source_file_line,
        source_line_number,
        raw_line,
        reader_error,
        source_line_number - row_number() over (order by source_line_number) as order_lines_before

    from malformed_lines

)

select * from final
