-- Table tyonv/12r5 as tidy long rows: rename and cast only.
-- The profile sets the session time zone to UTC, so TIMESTAMPTZ inputs become UTC wall-clock times.
with source as (
    select * from {{ source('statfin', 'labour_market') }}
)

select
    cast(area_code as varchar) as area_code,
    cast(period as varchar) as period_code,
    cast(month as date) as month,
    cast(measure as varchar) as measure_code,
    cast(value as double) as value,
    cast(status as varchar) as status_symbol,
    cast(source_table as varchar) as source_table,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
