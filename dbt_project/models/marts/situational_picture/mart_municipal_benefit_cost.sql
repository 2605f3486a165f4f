-- The unemployment benefit municipalities co-finance since 2025 (Kela), by employment area, month,
-- benefit and accumulated-benefit-days class: recipients, euros, euros per working-age resident and
-- the change from a year ago. Classes overlap (a person can move between them within a month), so the
-- totals come only from the class Yhteensä (is_total_class) and are never summed from the classes.
-- Pooled small groups (no employment area) stay in staging only: they belong to no area.
{%- set revision_months = 3 %}

with benefits as (
    select * from {{ ref('stg_kela__unemployment_benefit') }}
    where area_code is not null
),

population as (
    select * from {{ ref('fct_population_yearly') }}
    where area_level = 'employment_area'
),

latest_benefit_month as (
    select max(month) as month from benefits
),

-- the working-age population at the end of the year before the month, or the latest year published
population_years as (
    select
        benefits.area_code,
        benefits.month,
        max(population.year) as year
    from benefits
    inner join population
        on
            benefits.area_code = population.area_code
            and population.year <= year(benefits.month) - 1
    group by benefits.area_code, benefits.month
),

with_history as (
    select
        benefits.*,
        population.working_age_population,
        population_years.year as population_year,
        -- the same month a year earlier (an empty frame, hence NULL, when that month is missing)
        max(benefits.recipients) over year_ago as recipients_year_ago,
        max(benefits.euros_paid) over year_ago as euros_paid_year_ago
    from benefits
    left join population_years
        on benefits.area_code = population_years.area_code and benefits.month = population_years.month
    left join population
        on population_years.area_code = population.area_code and population_years.year = population.year
    window year_ago as (
        partition by benefits.area_code, benefits.benefit, benefits.days_class
        order by benefits.month
        range between interval 12 month preceding and interval 12 month preceding
    )
)

select
    cast(with_history.area_code as varchar) as area_code,
    cast(with_history.month as date) as month,
    cast(with_history.benefit as varchar) as benefit,
    cast(with_history.days_class as varchar) as days_class,
    cast(with_history.is_total_class as boolean) as is_total_class,
    cast(with_history.recipients as bigint) as recipients,
    cast(with_history.euros_paid as double) as euros_paid,
    cast(with_history.compensated_days as bigint) as compensated_days,
    cast(with_history.municipal_share_eur as double) as municipal_share_eur,
    cast(with_history.euros_paid / nullif(with_history.recipients, 0) as double) as euros_per_recipient,
    cast(with_history.working_age_population as bigint) as working_age_population,
    cast(with_history.population_year as integer) as population_year,
    cast(with_history.euros_paid / nullif(with_history.working_age_population, 0) as double)
        as euros_per_working_age_resident,
    cast(with_history.municipal_share_eur / nullif(with_history.working_age_population, 0) as double)
        as municipal_share_per_working_age_resident,
    cast(1000.0 * with_history.recipients / nullif(with_history.working_age_population, 0) as double)
        as recipients_per_1000_working_age,
    cast(with_history.recipients_year_ago as bigint) as recipients_year_ago,
    cast(with_history.recipients - with_history.recipients_year_ago as bigint) as recipients_change_12m,
    cast(
        100.0 * (with_history.recipients - with_history.recipients_year_ago)
        / nullif(with_history.recipients_year_ago, 0) as double
    ) as recipients_change_12m_pct,
    cast(with_history.euros_paid_year_ago as double) as euros_paid_year_ago,
    cast(with_history.euros_paid - with_history.euros_paid_year_ago as double) as euros_paid_change_12m,
    cast(
        100.0 * (with_history.euros_paid - with_history.euros_paid_year_ago)
        / nullif(with_history.euros_paid_year_ago, 0) as double
    ) as euros_paid_change_12m_pct,
    cast(
        with_history.month > latest_benefit_month.month - interval {{ revision_months }} month as boolean
    ) as is_provisional,
    cast(with_history.source_table as varchar) as source_table,
    cast(with_history.source_updated_at as timestamp) as source_updated_at,
    cast(with_history.is_sample_data as boolean) as is_sample_data
from with_history
cross join latest_benefit_month
