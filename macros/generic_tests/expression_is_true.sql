{#-
    Generic test with dbt-utils semantics: fails with every row where the
    expression is not true, so a project that later adds dbt-utils gets the same
    result from either test.

    On a model, `expression` is a whole condition:

        data_tests:
          - expression_is_true:
              arguments:
                expression: "lrfm_score = l_score + r_score + f_score + m_score"

    On a column, the column name is written before `expression`, which then
    starts with an operator: `where not (<column> <expression>)`.

        columns:
          - name: lrfm_score
            data_tests:
              - expression_is_true:
                  arguments:
                    expression: "between 4 and 16"
-#}
{% test expression_is_true(model, expression, column_name=none) %}

    select *
    from {{ model }}
    {%- if column_name is none %}
    where not ({{ expression }})
    {%- else %}
    where not ({{ column_name }} {{ expression }})
    {%- endif %}

{% endtest %}
