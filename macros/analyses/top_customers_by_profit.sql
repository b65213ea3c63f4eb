{#-
    top_customers_by_profit(relation, n=none): a select of every column of
    `relation` (one row per customer, with total_profit) plus `profit_rank`
    (1 = most profit, ties by customer_id), for the top `n` customers (default
    var `top_customers_n`, 10). The one definition of "the top N" for the
    analyses.
-#}
{% macro top_customers_by_profit(relation, n=none) %}
    select *
    from (
        select
            ranked_customers.*,
            row_number() over (
                order by ranked_customers.total_profit desc, ranked_customers.customer_id asc
            ) as profit_rank
        from {{ relation }} as ranked_customers
    ) as ranked
    where profit_rank <= {{ n if n is not none else var('top_customers_n', 10) }}
{% endmacro %}
