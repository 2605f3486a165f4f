-- The latest release of every 12r5 figure in fct_figure_releases is the figure of
-- fct_labour_market_monthly, with the same lower-bound flag: the release history follows the fact's
-- rules (member sums, lower bounds, identical published areas). Returns the figures that differ.
{%- set count_measures = labour_market_measures(kind='count') %}

with fact as (
    {%- for measure in count_measures %}
    select
        area_code,
        month,
        '{{ measure.column }}' as measure,
        cast({{ measure.column }} as double) as value,
        {{ measure.column }}_is_lower_bound as is_lower_bound
    from {{ ref('fct_labour_market_monthly') }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

latest as (
    select
        area_code,
        month,
        measure,
        value,
        is_lower_bound
    from {{ ref('fct_figure_releases') }}
    where dataset = 'statfin/labour_market' and is_latest_release
)

select
    fact.value as fact_value,
    latest.value as latest_release_value,
    fact.is_lower_bound as fact_is_lower_bound,
    latest.is_lower_bound as latest_release_is_lower_bound,
    coalesce(fact.area_code, latest.area_code) as area_code,
    coalesce(fact.month, latest.month) as month,
    coalesce(fact.measure, latest.measure) as measure
from fact
full outer join latest
    on
        fact.area_code = latest.area_code
        and fact.month = latest.month
        and fact.measure = latest.measure
where
    fact.value is distinct from latest.value
    or coalesce(fact.is_lower_bound, false) is distinct from coalesce(latest.is_lower_bound, false)
