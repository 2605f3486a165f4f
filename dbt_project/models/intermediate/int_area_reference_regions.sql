-- The region each area is compared with, and whether an employment area is on the mainland.
-- An employment area whose members lie in two regions is compared with the region where most of its
-- labour force lives (latest month); Åland (region MK21) is not part of the mainland comparison.
with areas as (
    select * from {{ ref('dim_area') }}
),

facts as (
    select * from {{ ref('fct_labour_market_monthly') }}
),

latest_month as (
    select max(month) as month from facts
),

member_labour_force as (
    select
        areas.employment_area_code,
        areas.region_code,
        sum(facts.labour_force) as labour_force
    from areas
    inner join facts on areas.area_code = facts.area_code
    inner join latest_month on facts.month = latest_month.month
    where areas.area_level = 'municipality'
    group by areas.employment_area_code, areas.region_code
),

largest_region as (
    select
        employment_area_code as area_code,
        arg_max(region_code, coalesce(labour_force, 0)) as region_code,
        bool_and(region_code != 'MK21') as is_mainland
    from member_labour_force
    group by employment_area_code
)

select
    areas.area_code,
    areas.area_level,
    case
        when areas.area_level = 'employment_area' then coalesce(areas.region_code, largest_region.region_code)
        else areas.region_code
    end as reference_region_code,
    coalesce(areas.area_level = 'employment_area' and largest_region.is_mainland, false)
        as is_mainland_employment_area
from areas
left join largest_region on areas.area_code = largest_region.area_code
