{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='append',
) }}

{#-
    Every raw order line the loader landed, typed and checked: `reject_reason`
    names the first problem found in the line itself (null when there is none).
    Repeated Row IDs are judged in base_aws_saas__duplicate_lines; the clean and
    rejected staging views combine the two, so every line lands in exactly one
    of them. The raw values are kept, packed in one array, only for rejected
    lines; every line keeps a fingerprint of its 19 raw values.

    Incremental by load: a run types only the loads it has not typed yet
    (`load_id` above the table's highest), so a nightly run reads only the new
    day's lines. After the loader replaces the raw tables (a full load) the
    table is rebuilt with `--full-refresh`, which the runner passes; the
    manifest test (assert_every_loaded_line_is_clean_or_rejected) fails a build
    that skipped it. Spark reads the input again on every run: a table there.
-#}

{%- set raw_columns = aws_saas_raw_columns() %}

with

source as (

    select * from {{ source('aws_saas', 'order_lines') }}
    {%- if is_incremental() %}
        where load_id > (select coalesce(max(typed_loads.load_id), 0) from {{ this }} as typed_loads)
    {%- endif %}

),

trimmed as (

    select
        *,
        nullif(trim(order_id), '') as order_id_text,
        nullif(trim(order_date), '') as order_date_text,
        nullif(trim(country), '') as country_text,
        nullif(trim(city), '') as city_text,
        nullif(trim(region), '') as region_text,
        nullif(trim(subregion), '') as subregion_text,
        nullif(trim(customer), '') as customer_text,
        nullif(trim(customer_id), '') as customer_id_text,
        nullif(trim(industry), '') as industry_text,
        nullif(trim(segment), '') as segment_text,
        nullif(trim(product), '') as product_text

    from source

),

typed as (

    select
        *,
        {{ parse_number('trim(row_id)', dbt.type_bigint(), integer_only=true) }} as row_id_number,
        {{ parse_order_date('order_date_text') }} as order_date_parsed,
        {{ parse_number('trim(date_key)', dbt.type_int(), integer_only=true) }} as date_key_number,
        {{ parse_number('customer_id_text', dbt.type_bigint(), integer_only=true) }} as customer_id_number,
        {{ parse_number('trim(sales)', type_money()) }} as sales_amount,
        -- any number, to tell a non-integer quantity (1.5) from a non-numeric one
        {{ parse_number('trim(quantity)', type_money()) }} as quantity_amount,
        {{ parse_number('trim(quantity)', dbt.type_int(), integer_only=true) }} as quantity_number,
        {{ parse_number('trim(discount)', type_money()) }} as discount_rate,
        {{ parse_number('trim(profit)', type_money()) }} as profit_amount

    from trimmed

),

classified as (

    select
        *,
        case
            when row_id_number is null then 'invalid_row_id'
            when order_id_text is null then 'missing_order_id'
            when customer_id_text is null then 'missing_customer_id'
            when customer_id_number is null then 'invalid_customer_id'
            when order_date_text is null then 'missing_order_date'
            when order_date_parsed is null then 'unparseable_order_date'
            when
                date_key_number is null
                or date_key_number != {{ date_key_of('order_date_parsed') }}
                then 'date_key_mismatch'
            when sales_amount is null then 'non_numeric_sales'
            when quantity_amount is null then 'non_numeric_quantity'
            when quantity_number is null then 'non_integer_quantity'
            when discount_rate is null then 'non_numeric_discount'
            when profit_amount is null then 'non_numeric_profit'
            when quantity_number < 1 then 'quantity_below_one'
            when sales_amount < 0 then 'negative_sales'
            when discount_rate < 0 or discount_rate > 1 then 'discount_out_of_range'
        end as reject_reason

    from typed

),

final as (

    select
        load_id,
        source_file,
        source_line_number,
        reject_reason,
        row_id_number as row_id,
        order_id_text as order_id,
        order_date_parsed as order_date,
        date_key_number as date_key,
        country_text as country,
        city_text as city,
        region_text as region,
        subregion_text as subregion,
        customer_text as customer_name,
        customer_id_number as customer_id,
        industry_text as industry,
        segment_text as sales_segment,
        product_text as product,
        sales_amount as sales,
        quantity_number as quantity,
        discount_rate as discount,
        profit_amount as profit,
        {{ line_fingerprint(raw_columns) }} as line_fingerprint,
        case
            when reject_reason is not null
                then {{ dbt.array_construct(raw_columns, dbt.type_string()) }}
        end as raw_values

    from classified

)

select * from final
