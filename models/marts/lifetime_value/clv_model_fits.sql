{#-
    The purchase-model (BG/NBD, MBG/NBD, Pareto/NBD) and Gamma-Gamma fits behind
    customer_lifetime_value and the backtest's forecast, published: one row per
    snapshot x fitter, as int_clv_models_fitted (a Python model) fitted them,
    with the chosen purchase model marked, under the mart's enforced contract.
    A fit that did not converge, or a model below the minimum data, is a row
    here with its status and reason, never a failed build.
-#}

with

fits as (

    select * from {{ ref('int_clv_models_fitted') }}

),

final as (

    select
        snapshot_name,
        as_of_date,
        fitter,
        customers,
        repeat_customers,
        status,
        is_converged,
        message,
        fit_method,
        penalizer_coef,
        is_chosen,
        log_likelihood,
        r,
        alpha,
        a,
        b,
        s,
        beta,
        p,
        q,
        v

    from fits

)

select * from final
