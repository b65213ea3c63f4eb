{#-
    dbt's should_full_refresh(), which the incremental materialization and
    is_incremental() ask: as dbt's (the model's `full_refresh` config, else
    --full-refresh), and for the models whose meta says
    `rebuilt_with_input: true`, also when this run reads the whole input again
    (aws_saas_input_load: a loaded file changed or disappeared, or a new one
    sorts among the loaded ones).
-#}
{% macro should_full_refresh() %}
    {%- set config_full_refresh = config.get('full_refresh') -%}
    {%- if config_full_refresh is none -%}
        {%- set config_full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not config_full_refresh and (config.get('meta') or {}).get('rebuilt_with_input') -%}
        {%- set config_full_refresh = aws_saas_input_load()['mode'] == 'full' -%}
    {%- endif -%}
    {{ return(config_full_refresh) }}
{% endmacro %}
