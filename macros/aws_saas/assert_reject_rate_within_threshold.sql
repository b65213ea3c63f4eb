{#-
    Post-hook of stg_aws_saas__rejected_order_lines: fails the build when the share
    of rejected raw lines is above the `max_reject_rate` var (default 0.05), with
    one message that says how many lines were rejected and why, e.g.

        Reject rate 7.10% (710 of 10000 lines) is above max_reject_rate 5.00%:
        500 unparseable_order_date, 210 negative_sales

    Downstream models are then skipped, so no mart is built on a broken file.
-#}
{% macro assert_reject_rate_within_threshold(rejected_relation) %}
    {%- if execute -%}
        {%- set max_rate = var('max_reject_rate') | float -%}
        {#- every raw line: those the reader made into fields, and the malformed ones -#}
        {%- set totals = run_query(
            "select (select count(*) from " ~ ref('base_aws_saas__order_lines') ~ ")"
            ~ " + (select count(*) from " ~ ref('base_aws_saas__malformed_lines') ~ ")"
        ) -%}
        {%- set total_lines = totals.rows[0][0] -%}
        {%- set reasons = run_query(
            "select reject_reason, count(*) as lines from " ~ rejected_relation
            ~ " group by reject_reason order by lines desc, reject_reason"
        ) -%}
        {%- set ns = namespace(rejected=0, parts=[]) -%}
        {%- for row in reasons.rows -%}
            {%- set ns.rejected = ns.rejected + row[1] -%}
            {%- do ns.parts.append(row[1] ~ " " ~ row[0]) -%}
        {%- endfor -%}
        {%- set rate = (ns.rejected / total_lines) if total_lines > 0 else 0 -%}
        {%- if rate > max_rate -%}
            {{ exceptions.raise_compiler_error(
                "Reject rate " ~ "%.2f" | format(rate * 100) ~ "% (" ~ ns.rejected ~ " of "
                ~ total_lines ~ " lines) is above max_reject_rate "
                ~ "%.2f" | format(max_rate * 100) ~ "%: " ~ (ns.parts | join(", "))
                ~ ". The lines are in " ~ rejected_relation ~ "."
            ) }}
        {%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}
