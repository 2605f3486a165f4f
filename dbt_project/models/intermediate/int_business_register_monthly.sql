-- PRH register events by municipality, month and TOL 2008 section, read from the register history
-- across dumps (stg_prh__register_history): registrations (openings), companies leaving the register
-- (closures), companies in the register at month end (stock), and bankruptcy and restructuring
-- proceedings that started in the month and are still open at the newest dump.
-- * A dump holds only companies currently registered. A company missing from a later dump has left
--   the register; its closure is dated the day after the last dump that held it (the earliest day it
--   can have left; with daily dumps, within a day). The first dump gives the stock only: closures are
--   known from the day after it (closures_known_from), and closures are NULL for months starting
--   before that day. Before then openings and stock count only companies still registered at the
--   first dump.
-- * Housing companies and mutual property companies (flagged in the YRMU company-form list) are left
--   out; sole traders are not in the open data at all.
-- * Sections: TOL 2008 codes by their division in dim_industry; TOL 2025 codes through
--   int_industry_tol2025_to_tol2008; unknown industries (no code, or an unknown code set) are X.
--   Companies without a municipality are kept under KUJOU (unknown, as in StatFin).
-- Months run from the history start (dbt var history_start) to the last complete month before the
-- newest dump.

with history as (
    select * from {{ ref('stg_prh__register_history') }}
),

dumps as (
    select * from {{ ref('stg_prh__register_dumps') }}
),

forms as (
    select * from {{ ref('stg_prh__company_forms') }}
),

situations as (
    select * from {{ ref('stg_prh__company_situations') }}
),

tol2025 as (
    select * from {{ ref('int_industry_tol2025_to_tol2008') }}
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
        cast(date_trunc('month', max(dump_date)) - interval 1 month as date) as last_month,
        cast(min(dump_date) + interval 1 day as date) as closures_known_from,
        max(source_updated_at) as source_updated_at,
        bool_or(is_sample_data) as is_sample_data
    from dumps
),

company_facts as (
    select
        history.business_id,
        history.registration_date,
        case
            when history.left_register_dump is not null
                then cast(history.last_seen_dump + interval 1 day as date)
        end as closure_date,
        coalesce('KU' || history.municipality_code, 'KUJOU') as municipality_code,
        coalesce(
            case history.industry_code_set
                when 'TOL2008' then divisions.section_code
                when 'TOL2025' then tol2025.tol2008_section_code
            end,
            'X'
        ) as industry_section_code
    from history
    left join forms on history.company_form_code = forms.company_form_code
    left join divisions on left(history.main_industry_code, 2) = divisions.industry_code
    left join tol2025 on history.main_industry_code = tol2025.tol2025_code
    where not coalesce(forms.is_housing_or_property_company, false)
),

-- +1 in the month of registration, -1 in the month of the closure; earlier changes count from the first month
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
        cast(date_trunc('month', closure_date) as date) as month,
        0 as openings,
        1 as closures
    from company_facts
    where closure_date is not null
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

proceedings as (
    select
        company_facts.municipality_code,
        company_facts.industry_section_code,
        cast(date_trunc('month', situations.start_date) as date) as month,
        count(*) filter (where situations.situation_type = 'bankruptcy') as open_bankruptcy_proceedings,
        count(*) filter (where situations.situation_type = 'restructuring') as open_restructurings
    from situations
    inner join company_facts on situations.business_id = company_facts.business_id
    group by all
),

months as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month
    from bounds
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
        coalesce(proceedings.open_bankruptcy_proceedings, 0) as open_bankruptcy_proceedings,
        coalesce(proceedings.open_restructurings, 0) as open_restructurings
    from grid
    left join events
        on
            grid.municipality_code = events.municipality_code
            and grid.industry_section_code = events.industry_section_code
            and grid.month = events.month
    left join proceedings
        on
            grid.municipality_code = proceedings.municipality_code
            and grid.industry_section_code = proceedings.industry_section_code
            and grid.month = proceedings.month
)

select
    cast(filled.municipality_code as varchar) as municipality_code,
    cast(filled.industry_section_code as varchar) as industry_section_code,
    cast(filled.month as date) as month,
    cast(filled.openings as bigint) as openings,
    cast(case when filled.month >= bounds.closures_known_from then filled.closures end as bigint) as closures,
    cast(filled.stock as bigint) as stock,
    cast(filled.open_bankruptcy_proceedings as bigint) as open_bankruptcy_proceedings,
    cast(filled.open_restructurings as bigint) as open_restructurings,
    cast(bounds.closures_known_from as date) as closures_known_from,
    cast(bounds.source_updated_at as timestamp) as source_updated_at,
    cast(bounds.is_sample_data as boolean) as is_sample_data
from filled
cross join bounds
-- a combination with nothing registered and nothing happening carries no information
where
    filled.stock != 0
    or filled.openings + filled.closures + filled.open_bankruptcy_proceedings + filled.open_restructurings > 0
