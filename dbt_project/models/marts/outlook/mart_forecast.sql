-- Every stored forecast of every release, with the actual value once a later release has brought it.
with forecast as (
    select * from {{ ref('stg_forecasts__forecast') }}
),

actuals as (
    select
        fact.area_code,
        fact.month,
        measure.indicator,
        measure.actual,
        measure.actual_is_lower_bound
    from {{ ref('fct_labour_market_monthly') }} as fact
    cross join
        lateral (
            values
            ('unemployed', cast(fact.unemployed as double), fact.unemployed_is_lower_bound),
            ('labour_force', cast(fact.labour_force as double), fact.labour_force_is_lower_bound),
            ('open_vacancies', cast(fact.open_vacancies as double), fact.open_vacancies_is_lower_bound),
            (
                'long_term_unemployed',
                cast(fact.long_term_unemployed as double),
                fact.long_term_unemployed_is_lower_bound
            ),
            ('unemployment_rate', cast(fact.unemployment_rate as double), fact.unemployment_rate_is_lower_bound)
        ) as measure (indicator, actual, actual_is_lower_bound)
    where fact.area_level in ('employment_area', 'region', 'country')
)

select
    forecast.release,
    forecast.release_month,
    forecast.source_updated_at,
    forecast.made_at,
    forecast.area_code,
    forecast.area_level,
    forecast.indicator,
    forecast.method,
    forecast.origin_month,
    forecast.target_month,
    forecast.horizon,
    forecast.point,
    forecast.lo80,
    forecast.hi80,
    forecast.lo95,
    forecast.hi95,
    forecast.is_lower_bound,
    actuals.actual,
    forecast.is_sample_data,
    coalesce(actuals.actual_is_lower_bound, false) as actual_is_lower_bound
from forecast
left join actuals
    on
        forecast.area_code = actuals.area_code
        and forecast.target_month = actuals.month
        and forecast.indicator = actuals.indicator
