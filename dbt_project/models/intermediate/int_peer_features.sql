-- Features describing each mainland employment area's labour market and population, for finding
-- similar areas. Labour-market features over the 12 months ending at the latest month, as
-- Σ numerator / Σ denominator; counts of suppressed member cells are sums of the visible cells (so
-- shares of small groups may understate). Population structure: the working-age (15-64) share of the
-- population at the end of the latest year of fct_population_yearly.
with facts as (
    select * from {{ ref('fct_labour_market_monthly') }}
),

reference_regions as (
    select * from {{ ref('int_area_reference_regions') }}
),

latest_month as (
    select max(month) as month from facts
),

last_year as (
    select facts.*
    from facts
    inner join latest_month on facts.month > latest_month.month - interval 12 month
    inner join reference_regions on facts.area_code = reference_regions.area_code
    where reference_regions.is_mainland_employment_area
),

population as (
    select * from {{ ref('fct_population_yearly') }}
),

latest_year as (
    select max(year) as year from population
),

latest_population as (
    select
        population.area_code,
        100.0 * population.working_age_population / nullif(population.population, 0) as working_age_share
    from population
    inner join latest_year on population.year = latest_year.year
    where population.area_level = 'employment_area'
),

latest_labour_force as (
    select
        facts.area_code,
        facts.labour_force
    from facts
    inner join latest_month on facts.month = latest_month.month
)

select
    last_year.area_code,
    max(latest_month.month) as feature_month,
    log10(max(latest_labour_force.labour_force)) as log_labour_force,
    100.0 * sum(last_year.unemployed) / nullif(sum(last_year.labour_force), 0) as unemployment_rate,
    100.0 * sum(last_year.long_term_unemployed) / nullif(sum(last_year.unemployed), 0) as long_term_share,
    100.0 * sum(last_year.unemployed_under_25) / nullif(sum(last_year.unemployed), 0) as under_25_share,
    100.0 * sum(last_year.unemployed_over_50) / nullif(sum(last_year.unemployed), 0) as over_50_share,
    100.0 * sum(last_year.unemployed_foreign_nationals) / nullif(sum(last_year.unemployed), 0)
        as foreign_nationals_share,
    100.0 * sum(last_year.open_vacancies) / nullif(sum(last_year.labour_force), 0) as vacancy_intensity,
    max(latest_population.working_age_share) as working_age_share
from last_year
cross join latest_month
inner join latest_labour_force on last_year.area_code = latest_labour_force.area_code
left join latest_population on last_year.area_code = latest_population.area_code
group by last_year.area_code
