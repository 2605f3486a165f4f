-- Share of the country's vacancies that the source reports under an unknown municipality (KUJOU):
-- the part missing from every municipal, employment-area, sub-region and region vacancy figure.
with pivoted as (
    select * from {{ ref('int_labour_market_pivoted') }}
),

country as (
    select * from pivoted
    where area_code = 'SSS'
),

unknown as (
    select * from pivoted
    where area_code = 'KUJOU'
)

select
    country.month,
    unknown.open_vacancies as open_vacancies_unknown_area,
    unknown.new_vacancies as new_vacancies_unknown_area,
    100.0 * unknown.open_vacancies / nullif(country.open_vacancies, 0) as open_vacancies_unknown_area_pct,
    100.0 * unknown.new_vacancies / nullif(country.new_vacancies, 0) as new_vacancies_unknown_area_pct
from country
left join unknown on country.month = unknown.month
