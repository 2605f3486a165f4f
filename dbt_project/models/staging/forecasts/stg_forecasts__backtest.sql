-- The rolling-origin backtest of every release with its actuals: cast only (written by serving/outlook.py).
with source as (
    select * from {{ source('forecasts', 'backtest') }}
)

select
    cast(release as varchar) as release,  -- noqa: RF04
    cast(release_month as date) as release_month,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(made_at as timestamp) as made_at,
    cast(area_code as varchar) as area_code,
    cast(area_level as varchar) as area_level,
    cast(indicator as varchar) as indicator,
    cast(method as varchar) as method,  -- noqa: RF04
    cast(origin_month as date) as origin_month,
    cast(target_month as date) as target_month,
    cast(horizon as integer) as horizon,
    cast(point as double) as point,  -- noqa: RF04
    cast(lo80 as double) as lo80,
    cast(hi80 as double) as hi80,
    cast(lo95 as double) as lo95,
    cast(hi95 as double) as hi95,
    cast(actual as double) as actual,
    cast(is_lower_bound as boolean) as is_lower_bound,
    cast(is_sample_data as boolean) as is_sample_data
from source
