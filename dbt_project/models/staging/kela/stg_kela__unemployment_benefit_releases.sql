-- The release history of kela/unemployment_benefit (ingestion/figure_releases.py): rename and cast only.
-- One row per figure and release (source_updated_at) in which it was first published or changed.
with source as (
    select * from {{ source('kela', 'unemployment_benefit_releases') }}
)

select
    cast(dataset as varchar) as dataset,
    cast(area_code as varchar) as area_code,
    cast(month as date) as month,
    cast(measure as varchar) as measure_code,
    cast(breakdown as varchar) as breakdown,
    cast(value as double) as value,
    cast(is_suppressed as boolean) as is_suppressed,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(landing_version as varchar) as landing_version,
    cast(is_sample_data as boolean) as is_sample_data
from source
