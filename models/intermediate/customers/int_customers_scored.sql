{#-
    One row per customer: the metrics of int_customers_measured with the LRFM
    scores (1-4), lrfm_score, lrfm_code and value segment of SPEC §5, by var
    `score_method`.
-#}

with

customers as (

    select * from {{ ref('int_customers_measured') }}

),

lrfm_scored as (

    {{ lrfm_scored('customers') }}

),

final as (

    select
        *,
        '{{ lrfm_score_method() }}' as score_method

    from lrfm_scored

)

select * from final
