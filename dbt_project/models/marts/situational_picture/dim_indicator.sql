-- One row per indicator of the situational picture: labels from the seed, computation from the macro.
-- A full join, so an indicator missing on either side breaks the not-null contract instead of vanishing.
{%- set indicators = situational_indicators() %}

with definitions as (
    select * from {{ ref('indicator_definitions') }}
),

computation as (
    {%- for indicator in indicators %}
    select
        '{{ indicator.code }}' as indicator_code,
        '{{ indicator.kind }}' as indicator_kind,
        '{{ indicator.numerator }}' as numerator_column,
        {%- if indicator.kind == 'ratio' %}
        '{{ indicator.denominator_columns | join(" + ") }}' as denominator_column,
        {{ indicator.scale }} as scale
        {%- else %}
        null as denominator_column,
        1 as scale
        {%- endif %}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select
    cast(coalesce(definitions.indicator_code, computation.indicator_code) as varchar) as indicator_code,
    cast(definitions.sort_order as integer) as sort_order,
    cast(definitions.name_fi as varchar) as name_fi,
    cast(definitions.name_sv as varchar) as name_sv,
    cast(definitions.name_en as varchar) as name_en,
    cast(definitions.unit as varchar) as unit,
    cast(computation.indicator_kind as varchar) as indicator_kind,
    cast(definitions.direction as varchar) as direction,
    cast(
        case definitions.direction when 'lower_is_better' then -1 when 'higher_is_better' then 1 else 0 end
        as integer
    ) as direction_sign,
    cast(definitions.is_headline as boolean) as is_headline,
    cast(definitions.definition_fi as varchar) as definition_fi,
    cast(definitions.definition_en as varchar) as definition_en,
    cast(definitions.source_table as varchar) as source_table,
    cast(definitions.source_measures as varchar) as source_measures,
    cast(computation.numerator_column as varchar) as numerator_column,
    cast(computation.denominator_column as varchar) as denominator_column,
    cast(computation.scale as integer) as scale
from definitions
full outer join computation on definitions.indicator_code = computation.indicator_code
