-- Every customer of customer_revenue_movements counts once per dimension of
-- net_revenue_retention: for each period end, the rows of every dimension add up
-- to the movements of that period end (revenue, revenue a year before, each
-- movement's revenue, customers). Fails with every period end x dimension whose
-- totals differ.

with

retention as (

    select * from {{ ref('net_revenue_retention') }}

),

movements as (

    select * from {{ ref('customer_revenue_movements') }}

),

movement_totals as (

    select
        period_end,
        sum(revenue) as revenue,
        sum(revenue_year_before) as revenue_year_before,
        sum(case when movement = 'new' then revenue else 0 end) as new_revenue,
        sum(case when movement = 'churned' then revenue_year_before else 0 end) as churned_revenue,
        count(case when revenue > 0 then 1 end) as customers,
        count(case when revenue_year_before > 0 then 1 end) as customers_year_before

    from movements
    group by period_end

),

dimension_totals as (

    select
        period_end,
        dimension,
        sum(revenue) as revenue,
        sum(revenue_year_before) as revenue_year_before,
        sum(new_revenue) as new_revenue,
        sum(churned_revenue) as churned_revenue,
        sum(customers) as customers,
        sum(customers_year_before) as customers_year_before

    from retention
    group by
        period_end,
        dimension

),

dimensions as (

    select distinct dimension from retention

),

expected as (

    select
        movement_totals.*,
        dimensions.dimension

    from movement_totals
    cross join dimensions

),

final as (

    select
        coalesce(expected.period_end, dimension_totals.period_end) as period_end,
        coalesce(expected.dimension, dimension_totals.dimension) as dimension,
        expected.revenue as expected_revenue,
        dimension_totals.revenue

    from expected
    full outer join dimension_totals
        on
            expected.period_end = dimension_totals.period_end
            and expected.dimension = dimension_totals.dimension
    where
        expected.period_end is null
        or dimension_totals.period_end is null
        or expected.revenue <> dimension_totals.revenue
        or expected.revenue_year_before <> dimension_totals.revenue_year_before
        or expected.new_revenue <> dimension_totals.new_revenue
        or expected.churned_revenue <> dimension_totals.churned_revenue
        or expected.customers <> dimension_totals.customers
        or expected.customers_year_before <> dimension_totals.customers_year_before

)

select * from final
