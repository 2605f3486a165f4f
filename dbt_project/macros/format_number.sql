{#- A number as text for alert sentences, written the way the report writes it (serving/report/text.py):
    decimals by the indicator's unit (persons and vacancies 0, percent 1, ratio 3); thousands grouped
    with a no-break space and a decimal comma in Finnish and Swedish, a comma and a decimal point in
    English; a leading sign when signed. precise adds one decimal to percents and ratios, for a value
    and a band edge that would otherwise round alike. with_unit appends the unit of a percent: ' %' for
    a value, percentage points for a signed change (a change of a rate is a difference of percentages),
    so that a range can carry it once, on its upper edge. -#}
{% macro format_indicator_number(
    expression, unit_column, language='en', signed=false, precise=false, with_unit=true
) -%}
{%- set extra = 1 if precise else 0 -%}
{%- set decimals -%}
case {{ unit_column }} when 'percent' then {{ 1 + extra }} when 'ratio' then {{ 3 + extra }} else 0 end
{%- endset -%}
{%- set rounded = 'round(' ~ expression ~ ', ' ~ decimals ~ ')' -%}
{%- set digits = "printf('%,.' || (" ~ decimals ~ ") || 'f', abs(" ~ rounded ~ "))" -%}
{%- set percent_unit = {'fi': ' %', 'sv': ' %', 'en': '%'}[language] -%}
{%- set points_unit = {'fi': ' %-yks.', 'sv': ' procentenheter', 'en': ' percentage points'}[language] -%}
{%- set sign_of_positive = '+' if signed else '' -%}
{%- set unit = points_unit if signed else percent_unit -%}
(
    case when {{ rounded }} < 0 then '-' else '{{ sign_of_positive }}' end
    || {% if language in ('fi', 'sv') -%}
        replace(replace({{ digits }}, ',', ' '), '.', ',')
    {%- else -%}
        {{ digits }}
    {%- endif %}
    || {% if with_unit -%}
        case when {{ unit_column }} = 'percent' then '{{ unit }}' else '' end
    {%- else -%}
        ''
    {%- endif %}
)
{%- endmacro %}
