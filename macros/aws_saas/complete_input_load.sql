{#-
    on-run-end: marks this run's input load (raw.aws_saas_load_runs, written by
    aws_saas_input_load) complete when every model that loads the input
    incrementally (meta `rebuilt_with_input`) ran in it and succeeded. A run
    that failed, or selected only some of them, stays incomplete, and the next
    run reads the whole input again rather than trust tables that did not all
    take in the same files. DuckDB only (`select 1` elsewhere).
-#}
{% macro complete_input_load(results) %}
    {{ return(adapter.dispatch('complete_input_load', 'customer_value')(results)) }}
{% endmacro %}

{% macro default__complete_input_load(results) %}
    select 1
{% endmacro %}

{% macro duckdb__complete_input_load(results) %}
    {%- set state = namespace(expected = 0, done = 0) -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and (node.config.meta or {}).get('rebuilt_with_input') -%}
            {%- set state.expected = state.expected + 1 -%}
        {%- endfor -%}
        {%- for result in results
            if result.node.resource_type == 'model'
            and (result.node.config.meta or {}).get('rebuilt_with_input')
            and result.status == 'success' -%}
            {%- set state.done = state.done + 1 -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if state.expected > 0 and state.done == state.expected -%}
        {#- committed here: the on-run-end hooks before this one may have opened a transaction -#}
        {%- do run_query(
            "update raw.aws_saas_load_runs set completed = true where invocation_id = '" ~ invocation_id ~ "'"
        ) -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
    select 1
{% endmacro %}
