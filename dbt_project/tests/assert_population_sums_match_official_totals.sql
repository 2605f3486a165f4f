-- The population of every employment area, region and municipality built from vaerak/11re must equal
-- the official figure of vaerak/11ra for the same area and year (Statistics Finland's TA totals are
-- exactly the sums of their municipalities); every employment area must have an official figure.
select
    area_code,
    area_level,
    year,
    population,
    official_population
from {{ ref('fct_population_yearly') }}
where
    area_level in ('employment_area', 'region', 'municipality', 'country')
    and (
        official_population is null and area_level = 'employment_area'
        or population != official_population
    )
