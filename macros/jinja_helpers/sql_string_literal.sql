{#-
    sql_string_literal(text): `text` as a SQL string literal (single quotes,
    a quote inside doubled), for file paths and messages that macros put into
    the queries they run.
-#}
{% macro sql_string_literal(text) %}
    {{ return("'" ~ (text | replace("'", "''")) ~ "'") }}
{% endmacro %}
