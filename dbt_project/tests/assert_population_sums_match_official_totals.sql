-- The population of every employment area, region and municipality built from vaerak/11re must equal
-- the official figure of vaerak/11ra for the same area and year (Statistics Finland's TA totals are
-- exactly the sums of their municipalities); every employment area must have an official figure once
-- 11ra is available.
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
        -- a missing official figure counts once 11ra has landed (until then it is not yet available)
        official_population is null and area_level = 'employment_area'
        and exists (select 1 from {{ ref('stg_statfin__population_key_figures') }})
        or population != official_population
    )
