-- Municipal mergers: every municipality valid in a year of the history window, mapped to today's
-- municipality and today's employment area, sub-region and region. Facts keyed by the municipality
-- valid at the time join on (year of the period, municipality_code) and sum into the current one.
-- Today's municipalities are added for every year too, so the join never loses a current code.
with harmonisation as (
    select * from {{ ref('stg_classifications__municipality_harmonisation') }}
),

current_areas as (
    select * from {{ ref('stg_classifications__municipality_areas') }}
),

years as (
    select distinct valid_year from harmonisation
),

mapped as (
    select
        valid_year,
        municipality_code,
        current_municipality_code
    from harmonisation
    union
    select
        years.valid_year,
        current_areas.municipality_code,
        current_areas.municipality_code as current_municipality_code
    from years
    cross join current_areas
    where not exists (
            select 1
            from harmonisation
            where
                harmonisation.valid_year = years.valid_year
                and harmonisation.municipality_code = current_areas.municipality_code
        )
)

select
    mapped.valid_year,
    mapped.municipality_code,
    mapped.current_municipality_code,
    current_areas.employment_area_code as current_employment_area_code,
    current_areas.subregion_code as current_subregion_code,
    current_areas.region_code as current_region_code,
    mapped.municipality_code != mapped.current_municipality_code as is_merged,
    count(*) over (partition by mapped.valid_year, mapped.current_municipality_code) as merged_member_count
from mapped
inner join current_areas on mapped.current_municipality_code = current_areas.municipality_code
