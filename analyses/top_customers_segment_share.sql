{#-
    How the top N customers by profit (var `top_customers_n`, default 10) split
    across the value segments: customers and profit of the top N per segment,
    and their share of the top N.
-#}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

top_customers as (

    {{ top_customers_by_profit('customers') }}

),

segments as (

    select distinct value_segment from customers

),

top_totals as (

    select
        count(*) as top_customers,
        sum(total_profit) as top_profit

    from top_customers

),

segment_counts as (

    select
        segments.value_segment,
        count(top_customers.customer_id) as top_customers,
        coalesce(sum(top_customers.total_profit), 0) as top_profit

    from segments
    left join top_customers
        on segments.value_segment = top_customers.value_segment
    group by segments.value_segment

),

final as (

    select
        segment_counts.value_segment,
        segment_counts.top_customers,
        cast(segment_counts.top_customers as {{ type_double() }})
        / nullif(top_totals.top_customers, 0) as share_of_top_customers,
        segment_counts.top_profit,
        cast(segment_counts.top_profit as {{ type_double() }})
        / nullif(cast(top_totals.top_profit as {{ type_double() }}), 0) as share_of_top_profit

    from segment_counts
    cross join top_totals

)

select * from final
order by top_customers desc, value_segment asc
