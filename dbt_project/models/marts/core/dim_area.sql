-- One row per area at every level the marts use: municipality, employment area, sub-region,
-- region and the whole country, built from the current municipality classification.
-- A parent code of an employment area is filled only when all its member municipalities share it.
with municipalities as (
    select * from {{ ref('stg_classifications__municipality_areas') }}
),

municipality_rows as (
    select
        municipality_code as area_code,
        'municipality' as area_level,
        municipality_name_fi as name_fi,
        municipality_name_sv as name_sv,
        municipality_name_en as name_en,
        employment_area_code,
        subregion_code,
        region_code,
        1 as municipality_count,
        classification_date,
        is_sample_data
    from municipalities
),

employment_area_rows as (
    select
        employment_area_code as area_code,
        'employment_area' as area_level,
        min(employment_area_name_fi) as name_fi,
        min(employment_area_name_sv) as name_sv,
        min(employment_area_name_en) as name_en,
        employment_area_code,
        case when count(distinct subregion_code) = 1 then min(subregion_code) end as subregion_code,
        case when count(distinct region_code) = 1 then min(region_code) end as region_code,
        count(*) as municipality_count,
        max(classification_date) as classification_date,
        bool_or(is_sample_data) as is_sample_data
    from municipalities
    group by employment_area_code
),

subregion_rows as (
    select
        subregion_code as area_code,
        'subregion' as area_level,
        min(subregion_name_fi) as name_fi,
        min(subregion_name_sv) as name_sv,
        min(subregion_name_en) as name_en,
        null as employment_area_code,
        subregion_code,
        case when count(distinct region_code) = 1 then min(region_code) end as region_code,
        count(*) as municipality_count,
        max(classification_date) as classification_date,
        bool_or(is_sample_data) as is_sample_data
    from municipalities
    group by subregion_code
),

region_rows as (
    select
        region_code as area_code,
        'region' as area_level,
        min(region_name_fi) as name_fi,
        min(region_name_sv) as name_sv,
        min(region_name_en) as name_en,
        null as employment_area_code,
        null as subregion_code,
        region_code,
        count(*) as municipality_count,
        max(classification_date) as classification_date,
        bool_or(is_sample_data) as is_sample_data
    from municipalities
    group by region_code
),

country_row as (
    select
        'SSS' as area_code,
        'country' as area_level,
        'Koko maa' as name_fi,
        'Hela landet' as name_sv,
        'Whole country' as name_en,
        null as employment_area_code,
        null as subregion_code,
        null as region_code,
        count(*) as municipality_count,
        max(classification_date) as classification_date,
        bool_or(is_sample_data) as is_sample_data
    from municipalities
),

unioned as (
    select * from municipality_rows
    union all
    select * from employment_area_rows
    union all
    select * from subregion_rows
    union all
    select * from region_rows
    union all
    select * from country_row
)

select
    cast(area_code as varchar) as area_code,
    cast(area_level as varchar) as area_level,
    cast(name_fi as varchar) as name_fi,
    cast(name_sv as varchar) as name_sv,
    cast(name_en as varchar) as name_en,
    cast(employment_area_code as varchar) as employment_area_code,
    cast(subregion_code as varchar) as subregion_code,
    cast(region_code as varchar) as region_code,
    cast('SSS' as varchar) as country_code,
    cast(municipality_count as integer) as municipality_count,
    cast(classification_date as date) as classification_date,
    cast(is_sample_data as boolean) as is_sample_data
from unioned
