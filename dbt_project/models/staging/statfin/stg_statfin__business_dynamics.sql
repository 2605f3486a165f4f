-- Enterprise openings, closures and stock (StatFin/aly, quarterly) as tidy rows: rename and cast only.
with source as (
    select * from {{ source('statfin', 'business_dynamics') }}
)

select
    cast(area_code as varchar) as area_code,
    cast(period as varchar) as period_code,
    cast(quarter as date) as quarter,
    cast(industry_code as varchar) as industry_code,
    cast(measure as varchar) as measure_code,
    cast(value as double) as value,
    cast(status as varchar) as status_symbol,
    cast(source_table as varchar) as source_table,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
