-- Table vaerak/11re (population 31.12 by municipality, age group and sex) as tidy rows: rename and cast only.
with source as (
    select * from {{ source('statfin', 'population') }}
)

select
    cast(area_code as varchar) as area_code,
    cast(year as integer) as year,
    cast(sex_code as varchar) as sex_code,
    cast(age_code as varchar) as age_code,
    cast(age_from as integer) as age_from,
    cast(age_to as integer) as age_to,
    cast(population as bigint) as population,
    cast(status as varchar) as status_symbol,
    cast(source_table as varchar) as source_table,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
