{#-
    One row per retention period end, dimension and dimension value: the
    revenue bridge from a year before to now (revenue a year before + new +
    expansion + reactivated - contraction - churned = revenue, on every row)
    and net revenue, gross revenue and logo retention of the customers who had
    revenue a year before. Dimensions: `all`, `value_segment` (a year before
    the period end; `New` for new customers), `industry`, `region` (the
    customer's primary region) and `first_order_year`; a customer counts once
    per dimension.

    Money is summed in the exact type and turned into a double once, in the
    ratios; a ratio whose denominator is 0 is null.
-#}

{#- A zero of the money type: PostgreSQL keeps a numeric's scale, so a sum of plain
    zeros would print as 0 beside the 0.000000 of other sums. -#}
{%- set zero = 'cast(0 as ' ~ type_money() ~ ')' %}

{#- (dimension name, the column of customer_movements that holds its value) -#}
{%- set dimensions = [
    ('value_segment', 'value_segment_year_before'),
    ('industry', 'industry'),
    ('region', 'primary_region'),
    ('first_order_year', 'first_order_year'),
] %}

with

movements as (

    select * from {{ ref('customer_revenue_movements') }}

),

customers as (

    select * from {{ ref('customer_segments') }}

),

customer_movements as (

    select
        movements.period_end,
        movements.customer_id,
        movements.value_segment_year_before,
        customers.industry,
        customers.primary_region,
        customers.first_order_year,
        movements.revenue_year_before,
        movements.revenue,
        movements.movement,
        movements.movement_amount

    from movements
    left join customers
        on movements.customer_id = customers.customer_id

),

customer_dimensions as (

    select
        period_end,
        'all' as dimension,
        'all' as dimension_value,
        revenue_year_before,
        revenue,
        movement,
        movement_amount
    from customer_movements
    {% for dimension, column in dimensions %}
        union all

        select
            period_end,
            '{{ dimension }}' as dimension,
            coalesce(cast({{ column }} as {{ dbt.type_string() }}), 'Unknown') as dimension_value,
            revenue_year_before,
            revenue,
            movement,
            movement_amount
        from customer_movements
    {% endfor %}

),

bridges as (

    select
        period_end,
        dimension,
        dimension_value,
        count(case when revenue_year_before > 0 then 1 end) as customers_year_before,
        count(case when revenue_year_before > 0 and revenue > 0 then 1 end) as customers_retained,
        count(case when revenue > 0 then 1 end) as customers,
        sum(revenue_year_before) as revenue_year_before,
        sum(revenue) as revenue,
        sum(case when movement = 'new' then revenue else {{ zero }} end) as new_revenue,
        sum(case when movement = 'expansion' then movement_amount else {{ zero }} end) as expansion_revenue,
        sum(case when movement = 'reactivated' then revenue else {{ zero }} end) as reactivated_revenue,
        sum(
            case when movement = 'contraction' then revenue_year_before - revenue else {{ zero }} end
        ) as contraction_revenue,
        sum(case when movement = 'churned' then revenue_year_before else {{ zero }} end) as churned_revenue,
        sum(case when revenue_year_before > 0 then revenue else {{ zero }} end) as retained_revenue,
        sum(
            case
                when revenue_year_before > 0 and revenue < revenue_year_before then revenue
                when revenue_year_before > 0 then revenue_year_before
                else {{ zero }}
            end
        ) as gross_retained_revenue

    from customer_dimensions
    group by
        period_end,
        dimension,
        dimension_value

),

final as (

    select
        period_end,
        dimension,
        dimension_value,
        revenue_year_before,
        revenue,
        cast(retained_revenue as {{ type_double() }})
        / nullif(cast(revenue_year_before as {{ type_double() }}), 0) as net_revenue_retention,
        cast(gross_retained_revenue as {{ type_double() }})
        / nullif(cast(revenue_year_before as {{ type_double() }}), 0) as gross_revenue_retention,
        cast(customers_retained as {{ type_double() }})
        / nullif(cast(customers_year_before as {{ type_double() }}), 0) as logo_retention,
        new_revenue,
        expansion_revenue,
        reactivated_revenue,
        contraction_revenue,
        churned_revenue,
        retained_revenue,
        gross_retained_revenue,
        customers_year_before,
        customers_retained,
        customers

    from bridges

)

select * from final
