-- The revenue bridge of net_revenue_retention holds exactly on every row (money
-- is summed in an exact type): revenue now = revenue a year before + new +
-- expansion + reactivated - contraction - churned. Fails with every row where
-- it does not.


select
    period_end,
    dimension,
    dimension_value,
    revenue_year_before,
    new_revenue,
    expansion_revenue,
    reactivated_revenue,
    contraction_revenue,
    churned_revenue,
    revenue

from {{ ref('net_revenue_retention') }}
where
    revenue
    <> revenue_year_before + new_revenue + expansion_revenue + reactivated_revenue
    - contraction_revenue - churned_revenue
