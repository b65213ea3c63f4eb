{#-
    aws_saas_raw_columns(): the 19 columns of the export, in its order, as the raw
    tables name them (the loader lands `Row ID` as `row_id`: customer_value/loader.py,
    whose header list tests/test_input_headers.py checks against this one). One list
    for every model that fingerprints, packs or unpacks a raw line, so the positions
    in `raw_values` cannot drift apart.
-#}
{% macro aws_saas_raw_columns() %}
    {{ return([
        'row_id', 'order_id', 'order_date', 'date_key', 'contact_name', 'country', 'city',
        'region', 'subregion', 'customer', 'customer_id', 'industry', 'segment', 'product',
        'license', 'sales', 'quantity', 'discount', 'profit',
    ]) }}
{% endmacro %}
