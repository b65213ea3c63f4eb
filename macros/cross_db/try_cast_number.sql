{#-
    try_cast_number(expression, type, integer_only=false): text as a number of
    `type`, or null when the text is not a plain number or does not fit the type,
    the same on every engine and never an error that stops the build.

    Plain numbers: an optional sign, digits with an optional decimal point, an
    optional exponent (`12`, `-0.5`, `1e3`); with `integer_only`, digits alone
    (`2.0` and `2e0` are not integers). The text is checked against that shape
    first, because engines accept different extras on their own (DuckDB reads
    `0x10` and `1_000`, and rounds `1.5` into an integer). Then a cast that
    cannot fail: `try_cast` where the engine has it; on PostgreSQL, which has
    none, a cast through `numeric` guarded by the type's range.
-#}
{% macro try_cast_number(expression, type, integer_only=false) %}
    {%- if integer_only -%}
        {%- set pattern = '^[+-]?[0-9]+$' -%}
    {%- else -%}
        {%- set pattern = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$' -%}
    {%- endif -%}
    case
        when {{ matches_regex(expression, pattern) }}
            then {{ adapter.dispatch('cast_number_text', 'customer_value')(expression, type) }}
    end
{%- endmacro %}

{% macro default__cast_number_text(expression, type) -%}
    try_cast({{ expression }} as {{ type }})
{%- endmacro %}

{% macro postgres__cast_number_text(expression, type) -%}
    {#- The smallest magnitude that no longer fits the type. -#}
    {%- set name = type | lower | replace(' ', '') -%}
    {%- set scale = 0 -%}
    {%- if name in ['bigint', 'int8'] -%}
        {%- set limit = '9223372036854775807' -%}
    {%- elif name in ['int', 'integer', 'int4'] -%}
        {%- set limit = '2147483647' -%}
    {%- elif name.startswith(('numeric(', 'decimal(')) -%}
        {%- set precision_scale = name.split('(')[1].rstrip(')').split(',') -%}
        {%- set scale = precision_scale[1] | int if precision_scale | length > 1 else 0 -%}
        {%- set limit = '1e' ~ ((precision_scale[0] | int) - scale) -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("try_cast_number: no PostgreSQL range known for type '" ~ type ~ "'") }}
    {%- endif -%}
    case
        {#- rounded to the type's scale first, as the cast will round it #}
        when abs(round(cast({{ expression }} as numeric), {{ scale }})) < {{ limit }}
            then cast(cast({{ expression }} as numeric) as {{ type }})
    end
{%- endmacro %}
