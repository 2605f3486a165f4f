-- Current municipalities with their employment area, sub-region and region: rename and cast only.
with source as (
    select * from {{ source('classifications', 'municipality_areas') }}
)

select
    cast(municipality_code as varchar) as municipality_code,
    cast(municipality_name_fi as varchar) as municipality_name_fi,
    cast(municipality_name_sv as varchar) as municipality_name_sv,
    cast(municipality_name_en as varchar) as municipality_name_en,
    cast(employment_area_code as varchar) as employment_area_code,
    cast(employment_area_name_fi as varchar) as employment_area_name_fi,
    cast(employment_area_name_sv as varchar) as employment_area_name_sv,
    cast(employment_area_name_en as varchar) as employment_area_name_en,
    cast(subregion_code as varchar) as subregion_code,
    cast(subregion_name_fi as varchar) as subregion_name_fi,
    cast(subregion_name_sv as varchar) as subregion_name_sv,
    cast(subregion_name_en as varchar) as subregion_name_en,
    cast(region_code as varchar) as region_code,
    cast(region_name_fi as varchar) as region_name_fi,
    cast(region_name_sv as varchar) as region_name_sv,
    cast(region_name_en as varchar) as region_name_en,
    cast(classification_date as date) as classification_date,
    cast(source_table as varchar) as source_table,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
