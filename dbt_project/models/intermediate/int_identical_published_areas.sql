-- Employment areas whose member municipalities are exactly those of a published region or
-- sub-region: all members share that code (dim_area fills it only then) and the two have as many
-- members. Such an area takes the published, exact figures instead of the sum of its members
-- (in the sample snapshot TA46 Åland = MK21). Used by fct_labour_market_monthly and fct_figure_releases.
with areas as (
    select
        area_code,
        area_level,
        subregion_code,
        region_code,
        municipality_count
    from {{ ref('dim_area') }}
)

select
    employment_areas.area_code,
    coalesce(regions.area_code, subregions.area_code) as published_area_code
from areas as employment_areas
left join areas as regions
    on
        regions.area_level = 'region'
        and employment_areas.region_code = regions.area_code
        and employment_areas.municipality_count = regions.municipality_count
left join areas as subregions
    on
        subregions.area_level = 'subregion'
        and employment_areas.subregion_code = subregions.area_code
        and employment_areas.municipality_count = subregions.municipality_count
where
    employment_areas.area_level = 'employment_area'
    and coalesce(regions.area_code, subregions.area_code) is not null
