{#-
    Generic test (dbt-utils style): fails with every combination of
    `combination_of_columns` that appears more than once: the grain of a
    table keyed by several columns.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

{% endtest %}
