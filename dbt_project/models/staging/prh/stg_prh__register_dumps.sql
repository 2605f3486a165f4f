-- The PRH dumps folded into the register history, one row per dump: rename and cast only.
with source as (
    select * from {{ source('prh', 'register_dumps') }}
)

select
    cast(dump_date as date) as dump_date,
    cast(landing_version as varchar) as landing_version,
    cast(companies as bigint) as companies,
    cast(new_companies as bigint) as new_companies,
    cast(left_companies as bigint) as left_companies,
    cast(returned_companies as bigint) as returned_companies,
    cast(unknown_code_set_companies as bigint) as unknown_code_set_companies,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(applied_at as timestamp) as applied_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
