{#- A number as text for alert sentences: decimals by the indicator's unit (persons and vacancies 0,
    percent 1, ratio 3), a decimal comma in Finnish, a leading sign when signed. -#}
{% macro format_indicator_number(expression, unit_column, language='en', signed=false) -%}
{%- set sign = '+' if signed else '' -%}
{%- set formatted -%}
printf(
    case {{ unit_column }} when 'percent' then '%{{ sign }}.1f' when 'ratio' then '%{{ sign }}.3f' else '%{{ sign }}.0f' end,
    {{ expression }}
)
{%- endset -%}
{%- if language == 'fi' -%}
replace({{ formatted }}, '.', ',')
{%- else -%}
{{ formatted }}
{%- endif -%}
{%- endmacro %}
