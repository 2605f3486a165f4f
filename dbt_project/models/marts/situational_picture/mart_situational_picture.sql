-- The situational picture: one row per area, month and indicator with the value, its changes from
-- the previous month and from a year ago, the 12-month rolling average, the STL seasonally adjusted
-- value and trend, ranks among the 45 mainland employment areas, and the region's and the country's
-- value beside it. Ratios (rolling averages and trends included) are always Σ numerator / Σ denominator.
{%- set counts = situational_indicators(kind='count') %}
{%- set ratios = situational_indicators(kind='ratio') %}

with indicator_values as (
    select * from {{ ref('int_indicator_values_monthly') }}
),

trends as (
    select * from {{ ref('int_indicator_trend_monthly') }}
),

indicators as (
    select * from {{ ref('dim_indicator') }}
),

reference_regions as (
    select * from {{ ref('int_area_reference_regions') }}
),

unknown_vacancies as (
    select * from {{ ref('int_vacancies_unknown_area_monthly') }}
),

-- the decomposition of every count indicator side by side, to build ratio trends from their parts
trends_wide as (
    select
        area_code,
        month,
    {%- for indicator in counts %}
    max(seasonally_adjusted) filter (
        where indicator_code = '{{ indicator.code }}'
    ) as sa__{{ indicator.code }},
    max(trend) filter (where indicator_code = '{{ indicator.code }}') as trend__{{ indicator.code }},
    bool_or(is_lower_bound) filter (
        where indicator_code = '{{ indicator.code }}'
    ) as partial__{{ indicator.code }}{{ ',' if not loop.last }}
    {%- endfor %}
    from trends
    group by area_code, month
),

decomposed as (
    select
        indicator_values.area_code,
        indicator_values.month,
        indicator_values.indicator_code,
        {{ decomposed_component('sa', counts, ratios) }} as seasonally_adjusted,
        {{ decomposed_component('trend', counts, ratios) }} as trend,
        -- a ratio's trend over a partial denominator bounds nothing: NULL, as for the value
        case indicator_values.indicator_code
            {%- for indicator in counts %}
            when '{{ indicator.code }}' then trends_wide.partial__{{ indicator.code }}
            {%- endfor %}
            {%- for indicator in ratios %}
            when '{{ indicator.code }}'
                then
                    case
                        when indicator_values.denominator_is_lower_bound
                            {%- for part in indicator.trend_denominators if part != indicator.trend_numerator %}
                            or trends_wide.partial__{{ part }}
                            {%- endfor %}
                            then null
                        else trends_wide.partial__{{ indicator.trend_numerator }}
                    end
            {%- endfor %}
        end as trend_is_lower_bound
    from indicator_values
    inner join trends_wide
        on
            indicator_values.area_code = trends_wide.area_code
            and indicator_values.month = trends_wide.month
),

windowed as (
    select
        indicator_values.*,
        lag(indicator_values.value) over series as value_previous_month,
        lag(indicator_values.is_lower_bound) over series as previous_month_is_lower_bound,
        lag(indicator_values.month) over series as previous_month,
        lag(indicator_values.value, 12) over series as value_year_ago,
        lag(indicator_values.is_lower_bound, 12) over series as year_ago_is_lower_bound,
        lag(indicator_values.month, 12) over series as year_ago_month,
        count(indicator_values.value) over rolling_year as rolling_value_count,
        min(indicator_values.month) over rolling_year as rolling_first_month,
        sum(indicator_values.numerator) over rolling_year as rolling_numerator,
        sum(indicator_values.denominator) over rolling_year as rolling_denominator,
        avg(indicator_values.value) over rolling_year as rolling_value_average,
        bool_or(indicator_values.is_lower_bound) over rolling_year as rolling_is_lower_bound
    from indicator_values
    window
        series as (
            partition by indicator_values.area_code, indicator_values.indicator_code order by indicator_values.month
        ),
        rolling_year as (series rows between 11 preceding and current row)
),

changes as (
    select
        windowed.area_code,
        windowed.area_level,
        windowed.month,
        windowed.indicator_code,
        windowed.value,
        windowed.numerator,
        windowed.denominator,
        windowed.is_lower_bound,
        windowed.source_table,
        windowed.source_updated_at,
        windowed.is_sample_data,
        indicators.direction_sign,
        indicators.indicator_kind,
        windowed.rolling_is_lower_bound,
        case
            when windowed.previous_month = windowed.month - interval 1 month then windowed.value_previous_month
        end as value_previous_month,
        case
            when windowed.year_ago_month = windowed.month - interval 12 month then windowed.value_year_ago
        end as value_year_ago,
        case
            when windowed.previous_month = windowed.month - interval 1 month
                then windowed.previous_month_is_lower_bound
        end as previous_month_is_lower_bound,
        case
            when windowed.year_ago_month = windowed.month - interval 12 month then windowed.year_ago_is_lower_bound
        end as year_ago_is_lower_bound,
        case
            when windowed.rolling_value_count < 12 or windowed.rolling_first_month != windowed.month - interval 11 month
                then null
            when indicators.indicator_kind = 'ratio'
                then indicators.scale * windowed.rolling_numerator / nullif(windowed.rolling_denominator, 0)
            else windowed.rolling_value_average
        end as rolling_12m_average
    from windowed
    inner join indicators on windowed.indicator_code = indicators.indicator_code
),

ranked as (
    select
        changes.*,
        reference_regions.reference_region_code,
        changes.value - changes.value_previous_month as change_1m,
        100 * (changes.value - changes.value_previous_month) / nullif(changes.value_previous_month, 0)
            as change_1m_pct,
        changes.value - changes.value_year_ago as change_12m,
        100 * (changes.value - changes.value_year_ago) / nullif(changes.value_year_ago, 0) as change_12m_pct,
        -- interval arithmetic on the bounds (macro difference_bound); NULL when there is no change
        case
            when changes.value - changes.value_previous_month is not null
                then {{ difference_bound('changes.is_lower_bound', 'changes.previous_month_is_lower_bound') }}
        end as change_1m_bound,
        case
            when changes.value - changes.value_year_ago is not null
                then {{ difference_bound('changes.is_lower_bound', 'changes.year_ago_is_lower_bound') }}
        end as change_12m_bound,
        reference_regions.is_mainland_employment_area
        and changes.indicator_kind = 'ratio'
        and changes.value is not null
        and not changes.is_lower_bound as is_ranked_on_value,
        reference_regions.is_mainland_employment_area
        and changes.value is not null
        and changes.value_year_ago is not null
        and {{ difference_bound('changes.is_lower_bound', 'changes.year_ago_is_lower_bound') }} = 'exact'
            as is_ranked_on_change
    from changes
    inner join reference_regions on changes.area_code = reference_regions.area_code
),

-- ranks only among the mainland employment areas (a small partition, so ranked apart);
-- rank 1 = most favourable, neutral indicators rank the largest value first
ranked_values as (
    select
        area_code,
        month,
        indicator_code,
        rank() over (
            partition by indicator_code, month
            order by value * (case when direction_sign = 0 then 1 else direction_sign end) desc
        ) as rank_value,
        count(*) over (partition by indicator_code, month) as ranked_on_value_count
    from ranked
    where is_ranked_on_value
),

ranked_changes as (
    select
        area_code,
        month,
        indicator_code,
        rank() over (
            partition by indicator_code, month
            order by
                (case when indicator_kind = 'ratio' then change_12m else change_12m_pct end)
                * (case when direction_sign = 0 then 1 else direction_sign end) desc
        ) as rank_change_12m,
        count(*) over (partition by indicator_code, month) as ranked_on_change_count
    from ranked
    where is_ranked_on_change
),

with_ranks as (
    select
        ranked.*,
        ranked_values.rank_value,
        ranked_values.ranked_on_value_count,
        ranked_changes.rank_change_12m,
        ranked_changes.ranked_on_change_count
    from ranked
    left join ranked_values
        on
            ranked.area_code = ranked_values.area_code
            and ranked.month = ranked_values.month
            and ranked.indicator_code = ranked_values.indicator_code
    left join ranked_changes
        on
            ranked.area_code = ranked_changes.area_code
            and ranked.month = ranked_changes.month
            and ranked.indicator_code = ranked_changes.indicator_code
)

select
    cast(with_ranks.area_code as varchar) as area_code,
    cast(with_ranks.area_level as varchar) as area_level,
    cast(with_ranks.month as date) as month,
    cast(with_ranks.indicator_code as varchar) as indicator_code,
    cast(with_ranks.value as double) as value,
    cast(with_ranks.numerator as double) as numerator,
    cast(with_ranks.denominator as double) as denominator,
    cast(with_ranks.is_lower_bound as boolean) as is_lower_bound,
    cast(with_ranks.value_previous_month as double) as value_previous_month,
    cast(with_ranks.change_1m as double) as change_1m,
    cast(with_ranks.change_1m_pct as double) as change_1m_pct,
    cast(with_ranks.change_1m_bound as varchar) as change_1m_bound,
    cast(coalesce(with_ranks.previous_month_is_lower_bound, false) as boolean) as previous_month_is_lower_bound,
    cast(with_ranks.value_year_ago as double) as value_year_ago,
    cast(with_ranks.change_12m as double) as change_12m,
    cast(with_ranks.change_12m_pct as double) as change_12m_pct,
    cast(with_ranks.change_12m_bound as varchar) as change_12m_bound,
    cast(coalesce(with_ranks.year_ago_is_lower_bound, false) as boolean) as year_ago_is_lower_bound,
    cast(with_ranks.rolling_12m_average as double) as rolling_12m_average,
    cast(with_ranks.rolling_12m_average is not null and with_ranks.rolling_is_lower_bound as boolean)
        as rolling_12m_is_lower_bound,
    cast(decomposed.seasonally_adjusted as double) as seasonally_adjusted,
    cast(decomposed.trend as double) as trend,
    cast(coalesce(decomposed.trend_is_lower_bound, false) as boolean) as trend_is_lower_bound,
    cast(with_ranks.rank_value as integer) as rank_value,
    cast(with_ranks.ranked_on_value_count as integer) as ranked_on_value_count,
    cast(with_ranks.rank_change_12m as integer) as rank_change_12m,
    cast(with_ranks.ranked_on_change_count as integer) as ranked_on_change_count,
    cast(with_ranks.reference_region_code as varchar) as region_code,
    cast(region_values.value as double) as region_value,
    cast(country_values.value as double) as country_value,
    cast(
        case with_ranks.indicator_code
            when 'open_vacancies' then unknown_vacancies.open_vacancies_unknown_area_pct
            when 'vacancies_per_unemployed' then unknown_vacancies.open_vacancies_unknown_area_pct
            when 'new_vacancies' then unknown_vacancies.new_vacancies_unknown_area_pct
        end as double
    ) as country_unknown_area_pct,
    cast(with_ranks.source_table as varchar) as source_table,
    cast(with_ranks.source_updated_at as timestamp) as source_updated_at,
    cast(with_ranks.is_sample_data as boolean) as is_sample_data
from with_ranks
left join decomposed
    on
        with_ranks.area_code = decomposed.area_code
        and with_ranks.month = decomposed.month
        and with_ranks.indicator_code = decomposed.indicator_code
left join indicator_values as region_values
    on
        with_ranks.reference_region_code = region_values.area_code
        and with_ranks.month = region_values.month
        and with_ranks.indicator_code = region_values.indicator_code
left join indicator_values as country_values
    on
        country_values.area_code = 'SSS'
        and with_ranks.month = country_values.month
        and with_ranks.indicator_code = country_values.indicator_code
left join unknown_vacancies on with_ranks.month = unknown_vacancies.month
