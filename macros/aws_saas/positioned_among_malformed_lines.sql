{#-
    positioned_among_malformed_lines(order_lines, read_position, malformed_lines):
    a select of every row of `order_lines` with `line_number`, the line's
    position in the input's data lines, malformed lines included.

    On DuckDB a line's `read_position` (base_line_number) counts only the lines
    the CSV reader made into fields: each malformed line before it moves it one
    further. `malformed_lines` (base_aws_saas__malformed_lines) says how many
    order lines come before each malformed one, so an ASOF join finds, for every
    order line, how many malformed lines precede it. With no malformed line in
    the input (looked up when the model is built) the position is read_position
    as it is, and the join is not paid for.

    Elsewhere the loaded raw table numbers every line of the input, malformed
    ones included, so read_position is already the position.
-#}
{% macro positioned_among_malformed_lines(order_lines, read_position, malformed_lines) %}
    {{ return(adapter.dispatch('positioned_among_malformed_lines', 'customer_value')(
        order_lines, read_position, malformed_lines
    )) }}
{% endmacro %}

{% macro default__positioned_among_malformed_lines(order_lines, read_position, malformed_lines) %}
    select
        *,
        {{ read_position }} as line_number

    from {{ order_lines }}
{% endmacro %}

{% macro duckdb__positioned_among_malformed_lines(order_lines, read_position, malformed_lines) %}
    {%- set any_malformed = true -%}
    {%- if execute -%}
        {%- set relation = load_relation(ref('base_aws_saas__malformed_lines')) -%}
        {%- if relation is not none -%}
            {%- set any_malformed = run_query("select count(*) > 0 from " ~ relation).rows[0][0] -%}
        {%- endif -%}
    {%- endif -%}
    {%- if not any_malformed %}
        select
            *,
            {{ read_position }} as line_number

        from {{ order_lines }}
    {%- else %}
        select
            {{ order_lines }}.*,
            {{ order_lines }}.{{ read_position }} + coalesce(steps.malformed_lines_so_far, 0) as line_number

        from {{ order_lines }}
        asof left join (
            select
                order_lines_before,
                sum(count(*)) over (order by order_lines_before) as malformed_lines_so_far

            from {{ malformed_lines }}
            group by order_lines_before
        ) as steps
            on {{ order_lines }}.{{ read_position }} > steps.order_lines_before
    {%- endif %}
{% endmacro %}
