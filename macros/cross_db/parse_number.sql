{#-
    parse_number(expression, type, integer_only=false): text as a number of
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
{% macro parse_number(expression, type, integer_only=false) %}
    {{ return(adapter.dispatch('parse_number', 'customer_value')(expression, type, integer_only)) }}
{% endmacro %}

{% macro default__parse_number(expression, type, integer_only) -%}
    case
        when {{ matches_regex(expression, _plain_number_pattern(integer_only)) }}
            then try_cast({{ expression }} as {{ type }})
    end
{%- endmacro %}

{% macro postgres__parse_number(expression, type, integer_only) -%}
    case
        when {{ matches_regex(expression, _plain_number_pattern(integer_only)) }}
            then {{ _postgres_cast_in_range(expression, type) }}
    end
{%- endmacro %}

{#- _plain_number_pattern(integer_only): the regular expression of a plain number. -#}
{% macro _plain_number_pattern(integer_only) %}
    {%- if integer_only -%}
        {{ return('^[+-]?[0-9]+$') }}
    {%- else -%}
        {{ return('^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$') }}
    {%- endif -%}
{% endmacro %}

{#-
    _postgres_cast_in_range(expression, type): the text (already a plain number)
    cast to `type` through numeric, or null when it does not fit: the smallest
    magnitude that no longer fits the type guards the cast.
-#}
{% macro _postgres_cast_in_range(expression, type) -%}
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
        {{ exceptions.raise_compiler_error("parse_number: no PostgreSQL range known for type '" ~ type ~ "'") }}
    {%- endif -%}
    case
        {#- rounded to the type's scale first, as the cast will round it #}
        when abs(round(cast({{ expression }} as numeric), {{ scale }})) < {{ limit }}
            then cast(cast({{ expression }} as numeric) as {{ type }})
    end
{%- endmacro %}
