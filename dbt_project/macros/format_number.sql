{#- A number as text for alert sentences: decimals by the indicator's unit (persons and vacancies 0,
    percent 1, ratio 3), a decimal comma in Finnish, a leading sign when signed. precise adds one
    decimal to percents and ratios, for a value and a band edge that would otherwise round alike. -#}
{% macro format_indicator_number(expression, unit_column, language='en', signed=false, precise=false) -%}
{%- set sign = '+' if signed else '' -%}
{%- set extra = 1 if precise else 0 -%}
{%- set formatted -%}
printf(
    case {{ unit_column }}
        when 'percent' then '%{{ sign }}.{{ 1 + extra }}f'
        when 'ratio' then '%{{ sign }}.{{ 3 + extra }}f'
        else '%{{ sign }}.0f'
    end,
    {{ expression }}
)
{%- endset -%}
{%- if language == 'fi' -%}
replace({{ formatted }}, '.', ',')
{%- else -%}
{{ formatted }}
{%- endif -%}
{%- endmacro %}
