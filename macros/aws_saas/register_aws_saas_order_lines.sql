{#-
    register_aws_saas_order_lines(): the raw tables on Spark, registered over the
    Parquet files the loader landed for the cluster to read (customer_value/loader.py,
    `spark_raw_dir`): a dbt operation the runner calls after the load and before the
    build (`dbt run-operation register_aws_saas_order_lines --vars '{spark_raw_dir: ...}'`),
    as dbt-external-tables stages its sources. It only registers: the header checks,
    the column matching and the malformed lines are the loader's, as on every engine.
    Each table is dropped first (never the files: they are external) so that Spark
    lists the folder the last load wrote. A no-op elsewhere.
-#}
{% macro register_aws_saas_order_lines() %}
    {{ return(adapter.dispatch('register_aws_saas_order_lines', 'customer_value')()) }}
{% endmacro %}

{% macro default__register_aws_saas_order_lines() %}
{% endmacro %}

{% macro spark__register_aws_saas_order_lines() %}
    {%- set raw_dir = var('spark_raw_dir') | replace('\\', '/') -%}
    {%- do run_query("create schema if not exists raw") -%}
    {%- for table in ['aws_saas_order_lines', 'aws_saas_malformed_lines', 'aws_saas_loaded_files', 'aws_saas_loads'] -%}
        {%- set existing = adapter.get_relation(database=none, schema='raw', identifier=table) -%}
        {%- if existing is not none -%}
            {%- do adapter.drop_relation(existing) -%}
        {%- endif -%}
        {%- set location = raw_dir ~ '/' ~ table -%}
        {%- do run_query(
            "create table raw." ~ table ~ " using parquet options (path '"
            ~ (location | replace("'", "\\'")) ~ "')"
        ) -%}
    {%- endfor -%}
{% endmacro %}
