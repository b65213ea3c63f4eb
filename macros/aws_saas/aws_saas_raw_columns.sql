{#-
    aws_saas_raw_columns(): the 19 columns of the export, in its order, as the
    source names them (`Row ID` -> `row_id`, from aws_saas_required_columns()).
    One list for every model that fingerprints, packs or unpacks a raw line, so
    the positions in `raw_values` cannot drift apart.
-#}
{% macro aws_saas_raw_columns() %}
    {%- set columns = [] -%}
    {%- for header in aws_saas_required_columns() -%}
        {%- do columns.append(header | lower | replace(' ', '_')) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
