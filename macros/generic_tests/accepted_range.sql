{#-
    Generic test (dbt-utils style): fails with every row whose column is outside
    [min_value, max_value] (either bound optional; `inclusive: false` makes them
    strict). Nulls pass; pair with not_null where they should not.
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

    select *
    from {{ model }}
    where
        1 = 0
        {%- if min_value is not none %}
            or {{ column_name }} {{ "<" if inclusive else "<=" }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
            or {{ column_name }} {{ ">" if inclusive else ">=" }} {{ max_value }}
        {%- endif %}

{% endtest %}
