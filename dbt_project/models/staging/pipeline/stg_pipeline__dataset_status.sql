-- The freshness of every dataset as recorded by the ingestion: rename and cast only.
with source as (
    select * from {{ source('pipeline', 'dataset_status') }}
)

select
    cast(source as varchar) as source,  -- noqa: RF04
    cast(dataset as varchar) as dataset,
    cast(source_table as varchar) as source_table,
    cast(landing_version as varchar) as landing_version,
    cast(source_updated as timestamp) as source_updated,
    cast(fetched_at as timestamp) as fetched_at,
    cast(last_attempt_at as timestamp) as last_attempt_at,
    cast(last_attempt_status as varchar) as last_attempt_status,
    cast(last_error as varchar) as last_error,
    cast(is_stale as boolean) as is_stale,
    cast(latest_period as varchar) as latest_period,
    cast(data_note as varchar) as data_note,
    cast(is_sample_data as boolean) as is_sample_data
from source
