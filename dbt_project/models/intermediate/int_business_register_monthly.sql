-- PRH register events by municipality, month and TOL 2008 section: registrations (openings), end
-- dates (closures), companies live at month end (stock), and bankruptcies and restructurings that
-- started in the month. Months run from the history start (dbt var history_start) to the last
-- complete month before the register dump; the stock counts every company registered before then.
-- The section comes from the main industry's division (its first two digits) looked up in
-- dim_industry. TOL 2025 codes are mapped the same way, to the TOL 2008 section of the division with
-- the same number (an approximation where TOL 2025 moved activities between divisions); codes whose
-- division does not exist in TOL 2008, and companies without a main industry, get section X
-- (unknown). Companies without a municipality are kept under KUJOU (unknown, as in StatFin).

with companies as (
    select * from {{ ref('stg_prh__companies') }}
),

situations as (
    select * from {{ ref('stg_prh__company_situations') }}
),

divisions as (
    select
        industry_code,
        section_code
    from {{ ref('dim_industry') }}
    where industry_level = 2
),

bounds as (
    select
        {{ history_start_month() }} as first_month,
        cast(
            date_trunc('month', coalesce(max(source_updated_at), max(loaded_at))) - interval 1 month as date
        ) as last_month,
        max(source_updated_at) as source_updated_at,
        bool_or(is_sample_data) as is_sample_data
    from companies
),

months as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month
    from bounds
),

company_facts as (
    select
        companies.business_id,
        companies.registration_date,
        -- an end before the registration (a register error) is read as ending on registration
        -- (greatest() would skip a NULL end, so live companies are left alone explicitly)
        case
            when companies.end_date is not null
                then greatest(companies.end_date, companies.registration_date)
        end as end_date,
        coalesce('KU' || companies.municipality_code, 'KUJOU') as municipality_code,
        coalesce(divisions.section_code, 'X') as industry_section_code
    from companies
    left join divisions on left(companies.main_industry_code, 2) = divisions.industry_code
),

-- +1 in the month of registration, -1 in the month of the end; earlier changes count from the first month
flows as (
    select
        municipality_code,
        industry_section_code,
        cast(date_trunc('month', registration_date) as date) as month,
        1 as openings,
        0 as closures
    from company_facts
    union all
    select
        municipality_code,
        industry_section_code,
        cast(date_trunc('month', end_date) as date) as month,
        0 as openings,
        1 as closures
    from company_facts
    where end_date is not null
),

events as (
    select
        flows.municipality_code,
        flows.industry_section_code,
        greatest(flows.month, bounds.first_month) as month,
        sum(flows.openings) filter (where flows.month >= bounds.first_month) as openings,
        sum(flows.closures) filter (where flows.month >= bounds.first_month) as closures,
        sum(flows.openings - flows.closures) as net_change
    from flows
    cross join bounds
    where flows.month <= bounds.last_month
    group by all
),

insolvencies as (
    select
        company_facts.municipality_code,
        company_facts.industry_section_code,
        cast(date_trunc('month', situations.start_date) as date) as month,
        count(*) filter (where situations.situation_type = 'bankruptcy') as bankruptcies,
        count(*) filter (where situations.situation_type = 'restructuring') as restructurings
    from situations
    inner join company_facts on situations.business_id = company_facts.business_id
    group by all
),

grid as (
    select
        key_pairs.municipality_code,
        key_pairs.industry_section_code,
        months.month
    from (
        select distinct
            municipality_code,
            industry_section_code
        from company_facts
    ) as key_pairs
    cross join months
),

filled as (
    select
        grid.municipality_code,
        grid.industry_section_code,
        grid.month,
        coalesce(events.openings, 0) as openings,
        coalesce(events.closures, 0) as closures,
        sum(coalesce(events.net_change, 0)) over (
            partition by grid.municipality_code, grid.industry_section_code
            order by grid.month
            rows between unbounded preceding and current row
        ) as stock,
        coalesce(insolvencies.bankruptcies, 0) as bankruptcies,
        coalesce(insolvencies.restructurings, 0) as restructurings
    from grid
    left join events
        on
            grid.municipality_code = events.municipality_code
            and grid.industry_section_code = events.industry_section_code
            and grid.month = events.month
    left join insolvencies
        on
            grid.municipality_code = insolvencies.municipality_code
            and grid.industry_section_code = insolvencies.industry_section_code
            and grid.month = insolvencies.month
)

select
    cast(filled.municipality_code as varchar) as municipality_code,
    cast(filled.industry_section_code as varchar) as industry_section_code,
    cast(filled.month as date) as month,
    cast(filled.openings as bigint) as openings,
    cast(filled.closures as bigint) as closures,
    cast(filled.stock as bigint) as stock,
    cast(filled.bankruptcies as bigint) as bankruptcies,
    cast(filled.restructurings as bigint) as restructurings,
    cast(bounds.source_updated_at as timestamp) as source_updated_at,
    cast(bounds.is_sample_data as boolean) as is_sample_data
from filled
cross join bounds
-- a combination with nothing live and nothing happening carries no information
where filled.stock != 0 or filled.openings + filled.closures + filled.bankruptcies + filled.restructurings > 0
