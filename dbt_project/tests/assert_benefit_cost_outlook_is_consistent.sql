-- Consistency of the funding-cost outlook and scenarios; one row per violation.
-- 1. The central projection lies inside its 80 % band, and nothing is negative.
-- 2. Every area with Kela data has an outlook for each month 1–12 ahead.
-- 3. The apportioned municipality rows of a scenario add up to their employment area's difference.
with outlook as (
    select * from {{ ref('mart_benefit_cost_outlook') }}
),

scenarios as (
    select * from {{ ref('mart_benefit_cost_scenarios') }}
),

band_violations as (
    select
        area_code,
        horizon,
        days_class,
        'central outside its band or negative' as violation
    from outlook
    where
        recipients < recipients_lower - 1e-6
        or recipients > recipients_upper + 1e-6
        or municipal_share_eur < municipal_share_eur_lower - 1e-6
        or municipal_share_eur > municipal_share_eur_upper + 1e-6
        or recipients_lower < 0
),

missing_horizons as (
    select
        ledger.area_code,
        cast(null as integer) as horizon,
        cast(null as varchar) as days_class,
        'area without a full 12-month outlook' as violation
    from (select distinct area_code from {{ ref('fct_benefit_cost_monthly') }}) as ledger
    left join outlook on ledger.area_code = outlook.area_code and outlook.is_total_class
    group by ledger.area_code
    having count(distinct outlook.horizon) != {{ var('benefit_cost_horizon_months') }}
),

apportioned as (
    select
        scenario,
        employment_area_code,
        benefit_regime,
        horizon,
        sum(municipal_share_difference) as municipal_share_difference
    from scenarios
    where is_apportioned
    group by scenario, employment_area_code, benefit_regime, horizon
),

apportion_violations as (
    select
        areas.area_code,
        areas.horizon,
        areas.scenario as days_class,
        'municipalities do not add up to the area' as violation
    from scenarios as areas
    inner join apportioned
        on
            areas.scenario = apportioned.scenario
            and areas.area_code = apportioned.employment_area_code
            and areas.benefit_regime = apportioned.benefit_regime
            and areas.horizon = apportioned.horizon
    where
        not areas.is_apportioned
        and abs(areas.municipal_share_difference - apportioned.municipal_share_difference) > 0.01
)

select * from band_violations
union all
select * from missing_horizons
union all
select * from apportion_violations
