-- Every municipality valid in each year of the history window with today's municipality: cast only.
with source as (
    select * from {{ source('classifications', 'municipality_harmonisation') }}
)

select
    cast(valid_year as integer) as valid_year,
    cast(municipality_code as varchar) as municipality_code,
    cast(current_municipality_code as varchar) as current_municipality_code,
    cast(is_merged as boolean) as is_merged,
    cast(source_table as varchar) as source_table,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
