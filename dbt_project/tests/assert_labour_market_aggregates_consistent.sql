-- Consistency of fct_labour_market_monthly with its own levels; returns one row per violation.
-- 1. Lower-bound consistency: for every region and month, the sum of the visible municipal
--    `unemployed` figures must not exceed the region's own published figure.
-- 2. Every employment-area row sums exactly the member municipalities dim_area lists for it
--    (a member missing from the source in some month would silently shrink the area).
with facts as (
    select * from {{ ref('fct_labour_market_monthly') }}
),

areas as (
    select * from {{ ref('dim_area') }}
),

municipal_sums as (
    select
        areas.region_code,
        facts.month,
        sum(facts.unemployed) as municipal_unemployed
    from facts
    inner join areas on facts.area_code = areas.area_code
    where facts.area_level = 'municipality'
    group by areas.region_code, facts.month
),

region_violations as (
    select
        'municipal unemployed exceed the region' as failed_check,
        municipal_sums.region_code as area_code,
        municipal_sums.month,
        municipal_sums.municipal_unemployed as actual,
        regions.unemployed as reference_value
    from municipal_sums
    inner join facts as regions
        on
            municipal_sums.region_code = regions.area_code
            and municipal_sums.month = regions.month
    where municipal_sums.municipal_unemployed > regions.unemployed
),

member_count_violations as (
    select
        'employment area member_count differs from dim_area' as failed_check,
        facts.area_code,
        facts.month,
        facts.member_count as actual,
        areas.municipality_count as reference_value
    from facts
    inner join areas on facts.area_code = areas.area_code
    where
        facts.area_level = 'employment_area'
        and facts.member_count != areas.municipality_count
)

select * from region_violations
union all
select * from member_count_violations
