-- Every backtest model is judged on the same population: it has one prediction
-- for every customer with an order before the cutoff, or no rows at all (a
-- forecast model whose fit did not converge, or below the minimum data). A
-- model with fewer rows would have its precision, shares and correlation
-- measured on other customers than the rest.
-- Fails with every model whose row count differs.

with

predictions as (

    select * from {{ ref('int_backtest_predictions') }}

),

customers as (

    select * from {{ ref('int_customers_measured_at_cutoff') }}

),

model_counts as (

    select
        scoring_model,
        count(*) as predicted_customers

    from predictions
    group by scoring_model

),

customer_counts as (

    select count(*) as evaluated_customers

    from customers

),

final as (

    select
        model_counts.scoring_model,
        model_counts.predicted_customers,
        customer_counts.evaluated_customers

    from model_counts
    cross join customer_counts
    where model_counts.predicted_customers <> customer_counts.evaluated_customers

)

select * from final
