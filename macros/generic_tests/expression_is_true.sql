{#-
    Generic test (dbt-utils style): fails with every row where `expression` is
    not true. Usable on a model or on a column (then `column_name` is available
    to the expression as written).

        data_tests:
          - expression_is_true:
              arguments:
                expression: "lrfm_score = l_score + r_score + f_score + m_score"
-#}
{% test expression_is_true(model, expression, column_name=none) %}

    select *
    from {{ model }}
    where not ({{ expression }})

{% endtest %}
