{#-
    Every raw order line, typed and classified: `reject_reason` is null for a
    clean line and names the first problem found otherwise. The clean and
    rejected staging views both select from this table, so no later model reads
    the file, and every line lands in exactly one of them.

    Duplicates: a later line with the same Row ID is an exact duplicate when its
    fingerprint (a hash of the 19 raw values) equals that of the first line with
    that Row ID, else a duplicate Row ID.

    Cost at scale: the lines stream from the file to the table. The only step
    that holds data is a hash aggregate of (Row ID, line number, fingerprint)
    from a second, narrow read of the file, which keeps the Row IDs seen on more
    than one line. A window over the Row ID instead held every line, wide, and
    at 100M lines spilled 31 GB and took 15 minutes.
-#}

{%- set raw_columns = [
    'row_id', 'order_id', 'order_date', 'date_key', 'contact_name', 'country',
    'city', 'region', 'subregion', 'customer', 'customer_id', 'industry',
    'segment', 'product', 'license', 'sales', 'quantity', 'discount', 'profit',
] %}

with

source as (

    select * from {{ source('aws_saas', 'order_lines') }}

),

fingerprinted as (

    select
        *,
        {{ line_fingerprint(raw_columns) }} as line_fingerprint

    from source

),

row_id_lines as (

    -- a second, narrow read of the file: Row ID, line number and fingerprint only
    select
        trim(row_id) as row_id_key,
        source_line_number,
        {{ line_fingerprint(raw_columns) }} as line_fingerprint

    from {{ source('aws_saas', 'order_lines') }}

),

repeated_row_ids as (

    -- the Row IDs on more than one line, with their first line: the only step
    -- that holds data, and it holds three narrow columns, not the lines
    select
        row_id_key,
        min(source_line_number) as first_line_number,
        {{ value_at_first('line_fingerprint', 'source_line_number') }} as first_line_fingerprint

    from row_id_lines
    group by row_id_key
    having count(*) > 1

),

occurrences as (

    select
        fingerprinted.*,
        coalesce(
            fingerprinted.source_line_number > repeated_row_ids.first_line_number, false
        ) as is_later_line_of_row_id,
        coalesce(
            fingerprinted.line_fingerprint = repeated_row_ids.first_line_fingerprint, false
        ) as is_copy_of_first_line

    from fingerprinted
    left join repeated_row_ids
        on trim(fingerprinted.row_id) = repeated_row_ids.row_id_key

),

trimmed as (

    select
        source_file,
        source_line_number,
        is_later_line_of_row_id,
        is_copy_of_first_line,
        row_id as raw_row_id,
        order_id as raw_order_id,
        order_date as raw_order_date,
        date_key as raw_date_key,
        contact_name as raw_contact_name,
        country as raw_country,
        city as raw_city,
        region as raw_region,
        subregion as raw_subregion,
        customer as raw_customer,
        customer_id as raw_customer_id,
        industry as raw_industry,
        segment as raw_segment,
        product as raw_product,
        license as raw_license,
        sales as raw_sales,
        quantity as raw_quantity,
        discount as raw_discount,
        profit as raw_profit,
        nullif(trim(row_id), '') as row_id_text,
        nullif(trim(order_id), '') as order_id_text,
        nullif(trim(order_date), '') as order_date_text,
        nullif(trim(date_key), '') as date_key_text,
        nullif(trim(country), '') as country_text,
        nullif(trim(city), '') as city_text,
        nullif(trim(region), '') as region_text,
        nullif(trim(subregion), '') as subregion_text,
        nullif(trim(customer), '') as customer_text,
        nullif(trim(customer_id), '') as customer_id_text,
        nullif(trim(industry), '') as industry_text,
        nullif(trim(segment), '') as segment_text,
        nullif(trim(product), '') as product_text,
        nullif(trim(sales), '') as sales_text,
        nullif(trim(quantity), '') as quantity_text,
        nullif(trim(discount), '') as discount_text,
        nullif(trim(profit), '') as profit_text

    from occurrences

),

typed as (

    select
        *,
        {{ dbt.safe_cast('row_id_text', dbt.type_bigint()) }} as row_id,
        {{ parse_order_date('order_date_text') }} as order_date,
        {{ dbt.safe_cast('date_key_text', dbt.type_int()) }} as date_key,
        {{ dbt.safe_cast('customer_id_text', dbt.type_bigint()) }} as customer_id,
        {{ dbt.safe_cast('sales_text', type_money()) }} as sales,
        {{ dbt.safe_cast('quantity_text', dbt.type_int()) }} as quantity,
        {{ dbt.safe_cast('discount_text', type_money()) }} as discount,
        {{ dbt.safe_cast('profit_text', type_money()) }} as profit

    from trimmed

),

classified as (

    select
        *,
        case
            when row_id is null then 'invalid_row_id'
            when is_later_line_of_row_id and is_copy_of_first_line then 'exact_duplicate_line'
            when is_later_line_of_row_id then 'duplicate_row_id'
            when order_id_text is null then 'missing_order_id'
            when customer_id_text is null then 'missing_customer_id'
            when customer_id is null then 'invalid_customer_id'
            when order_date_text is null then 'missing_order_date'
            when order_date is null then 'unparseable_order_date'
            when date_key is null or date_key != {{ date_key_of('order_date') }}
                then 'date_key_mismatch'
            when sales is null then 'non_numeric_sales'
            when quantity is null then 'non_numeric_quantity'
            when discount is null then 'non_numeric_discount'
            when profit is null then 'non_numeric_profit'
            when quantity < 1 then 'quantity_below_one'
            when sales < 0 then 'negative_sales'
            when discount < 0 or discount > 1 then 'discount_out_of_range'
        end as reject_reason

    from typed

),

final as (

    select
        source_file,
        source_line_number,
        reject_reason,
        row_id,
        order_id_text as order_id,
        order_date,
        date_key,
        country_text as country,
        city_text as city,
        region_text as region,
        subregion_text as subregion,
        customer_text as customer_name,
        customer_id,
        industry_text as industry,
        segment_text as sales_segment,
        product_text as product,
        sales,
        quantity,
        discount,
        profit,
        case when reject_reason is not null then raw_row_id end as raw_row_id,
        case when reject_reason is not null then raw_order_id end as raw_order_id,
        case when reject_reason is not null then raw_order_date end as raw_order_date,
        case when reject_reason is not null then raw_date_key end as raw_date_key,
        case when reject_reason is not null then raw_contact_name end as raw_contact_name,
        case when reject_reason is not null then raw_country end as raw_country,
        case when reject_reason is not null then raw_city end as raw_city,
        case when reject_reason is not null then raw_region end as raw_region,
        case when reject_reason is not null then raw_subregion end as raw_subregion,
        case when reject_reason is not null then raw_customer end as raw_customer,
        case when reject_reason is not null then raw_customer_id end as raw_customer_id,
        case when reject_reason is not null then raw_industry end as raw_industry,
        case when reject_reason is not null then raw_segment end as raw_segment,
        case when reject_reason is not null then raw_product end as raw_product,
        case when reject_reason is not null then raw_license end as raw_license,
        case when reject_reason is not null then raw_sales end as raw_sales,
        case when reject_reason is not null then raw_quantity end as raw_quantity,
        case when reject_reason is not null then raw_discount end as raw_discount,
        case when reject_reason is not null then raw_profit end as raw_profit

    from classified

)

select * from final
