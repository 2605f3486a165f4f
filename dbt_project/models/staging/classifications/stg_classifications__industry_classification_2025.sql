-- Standard Industrial Classification TOL 2025 items with parents and names: rename and cast only.
-- The level-0 total is kept (level 0) as the service lists it.
with source as (
    select * from {{ source('classifications', 'industry_classification_2025') }}
)

select
    cast(code as varchar) as industry_code,
    cast(level as integer) as industry_level,
    cast(parent_code as varchar) as parent_code,
    cast(name_fi as varchar) as name_fi,
    cast(name_sv as varchar) as name_sv,
    cast(name_en as varchar) as name_en,
    cast(classification_id as varchar) as classification_id,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
