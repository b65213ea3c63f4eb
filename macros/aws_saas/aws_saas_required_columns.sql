{#-
    aws_saas_required_columns(): the 19 headers of the AWS SaaS Sales export, in
    its order, as the file spells them. One list for the input check (DuckDB), the
    Spark view over the input and the source's column names (aws_saas_raw_columns).
-#}
{% macro aws_saas_required_columns() %}
    {{ return([
        'Row ID', 'Order ID', 'Order Date', 'Date Key', 'Contact Name', 'Country',
        'City', 'Region', 'Subregion', 'Customer', 'Customer ID', 'Industry',
        'Segment', 'Product', 'License', 'Sales', 'Quantity', 'Discount', 'Profit',
    ]) }}
{% endmacro %}
