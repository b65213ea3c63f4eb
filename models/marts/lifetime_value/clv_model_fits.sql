{#-
    The BG/NBD and Gamma-Gamma fits behind customer_lifetime_value and the
    backtest's forecast, published: one row per snapshot x fitter, as
    int_clv_models_fitted (a Python model) fitted them, under the mart's
    enforced contract. A fit that did not converge is a row here with
    is_converged false and its reason, never a failed build.
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
        is_converged,
        message,
        log_likelihood,
        penalizer_coef,
        r,
        alpha,
        a,
        b,
        p,
        q,
        v

    from fits

)

select * from final
