-- How accurate the forecasts have been, by horizon: the latest release's rolling-origin backtest and
-- every stored forecast whose target month has since arrived, per area and pooled per area level,
-- for the model and the seasonal-naive baseline. Lower-bound forecasts and actuals are not scored.
with latest_backtest as (
    select backtest.* from {{ ref('stg_forecasts__backtest') }} as backtest
    where backtest.release = (select max(b.release) from {{ ref('stg_forecasts__backtest') }} as b)
),

scored as (
    select
        'backtest' as evaluation,
        area_code,
        area_level,
        indicator,
        method,
        horizon,
        point,
        lo80,
        hi80,
        lo95,
        hi95,
        actual,
        is_sample_data
    from latest_backtest
    where not is_lower_bound and actual is not null
    union all
    select
        'stored' as evaluation,
        area_code,
        area_level,
        indicator,
        method,
        horizon,
        point,
        lo80,
        hi80,
        lo95,
        hi95,
        actual,
        is_sample_data
    from {{ ref('mart_forecast') }}
    where not is_lower_bound and not actual_is_lower_bound and actual is not null
),

by_area as (
    select
        evaluation,
        'area' as scope,
        area_code,
        area_level,
        indicator,
        method,
        horizon,
        count(*) as forecasts,
        avg(abs(point - actual)) as mae,
        100 * avg(abs(point - actual) / nullif(actual, 0)) as mape,
        avg(case when actual between lo80 and hi80 then 1.0 else 0.0 end) as coverage_80,
        avg(case when actual between lo95 and hi95 then 1.0 else 0.0 end) as coverage_95,
        bool_or(is_sample_data) as is_sample_data
    from scored
    group by evaluation, area_code, area_level, indicator, method, horizon
),

pooled as (
    select
        evaluation,
        'area_level' as scope,
        cast(null as varchar) as area_code,
        area_level,
        indicator,
        method,
        horizon,
        count(*) as forecasts,
        avg(abs(point - actual)) as mae,
        100 * avg(abs(point - actual) / nullif(actual, 0)) as mape,
        avg(case when actual between lo80 and hi80 then 1.0 else 0.0 end) as coverage_80,
        avg(case when actual between lo95 and hi95 then 1.0 else 0.0 end) as coverage_95,
        bool_or(is_sample_data) as is_sample_data
    from scored
    group by evaluation, area_level, indicator, method, horizon
),

accuracy as (
    select * from by_area
    union all
    select * from pooled
)

select
    accuracy.evaluation,
    accuracy.scope,
    accuracy.area_code,
    accuracy.area_level,
    accuracy.indicator,
    accuracy.method,
    accuracy.horizon,
    accuracy.forecasts,
    accuracy.mae,
    accuracy.mape,
    accuracy.coverage_80,
    accuracy.coverage_95,
    accuracy.is_sample_data,
    accuracy.mae / nullif(baseline.mae, 0) as mae_relative_to_snaive
from accuracy
left join accuracy as baseline
    on
        accuracy.evaluation = baseline.evaluation
        and accuracy.scope = baseline.scope
        and accuracy.area_code is not distinct from baseline.area_code
        and accuracy.area_level = baseline.area_level
        and accuracy.indicator = baseline.indicator
        and accuracy.horizon = baseline.horizon
        and baseline.method = 'snaive'
