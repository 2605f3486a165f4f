{#- The first month of the register series (dbt var history_start, like TILANNEKUVA_HISTORY_START a month
    code such as 2019M01) as a date literal, so the register series start where the statistics do. A
    var rather than the environment: a refresh fetching less history must not shrink published marts. -#}
{% macro history_start_month() -%}
{%- set code = var('history_start', '2019M01') -%}
date '{{ code[:4] }}-{{ code[5:7] }}-01'
{%- endmacro %}
