{#-
    One row: the analysis date, the as-of date of every metric (docs/analytics.md). The
    `analysis_date` var when set, else the day after the last clean order date.
    Resolved once, here, so the models that read every line do not each scan
    them again for it.
-#}

with

resolved as (

    {{ resolve_analysis_date(ref('stg_aws_saas__order_lines')) }}

),

final as (

    select analysis_date from resolved

)

select * from final
