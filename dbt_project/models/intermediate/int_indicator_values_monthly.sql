-- Every indicator of the situational picture (macro situational_indicators) in long form:
-- one row per area, month and indicator with its numerator, denominator and value.
-- Ratios are scale × numerator / denominator of the area's own sums, never averages of rates.
-- Lower bounds come per column from the fact (<column>_is_lower_bound): a count is kept and flagged;
-- a ratio over an exact denominator is a lower bound too and flagged; a ratio whose denominator is a
-- lower bound bounds nothing and is left NULL.
{%- set indicators = situational_indicators() %}

with facts as (
    select * from {{ ref('fct_labour_market_monthly') }}
),

{%- for indicator in indicators %}

{{ indicator.code }} as (
    select
        area_code,
        area_level,
        month,
        '{{ indicator.code }}' as indicator_code,
        cast({{ indicator.numerator }} as double) as numerator,
        {%- if indicator.kind == 'ratio' %}
        cast({{ indicator.denominator_columns | join(' + ') }} as double) as denominator,
        (
            {%- for column in indicator.denominator_columns if column != indicator.numerator %}
            coalesce({{ column }}_is_lower_bound, false){{ ' or' if not loop.last }}
            {%- endfor %}
        ) as denominator_is_partial,
        {%- else %}
        cast(null as double) as denominator,
        false as denominator_is_partial,
        {%- endif %}
        coalesce({{ indicator.numerator }}_is_lower_bound, false) as numerator_is_partial,
        {{ 'true' if indicator.kind == 'ratio' else 'false' }} as is_ratio,
        {{ indicator.scale if indicator.kind == 'ratio' else 1 }} as scale,
        source_table,
        source_updated_at,
        is_sample_data
    from facts
),
{%- endfor %}

unioned as (
    {%- for indicator in indicators %}
    select * from {{ indicator.code }}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

valued as (
    select
        *,
        case
            when denominator_is_partial then null
            when is_ratio then scale * numerator / nullif(denominator, 0)
            else numerator
        end as value,
        numerator_is_partial and numerator is not null and not denominator_is_partial as value_is_lower_bound
    from unioned
)

select
    area_code,
    area_level,
    month,
    indicator_code,
    is_ratio,
    numerator,
    denominator,
    value,
    value_is_lower_bound as is_lower_bound,
    denominator_is_partial as denominator_is_lower_bound,
    source_table,
    source_updated_at,
    is_sample_data
from valued
