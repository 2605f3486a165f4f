-- Business dynamics by area, period and TOL 2008 section from two sources, side by side:
-- * source 'prh', grain 'month': PRH register events (int_business_register_monthly): openings =
--   registrations, closures = companies leaving the register between dumps (NULL before
--   closures_known_from: the first dump gives the stock only), stock = companies in the register at
--   month end, restructurings = restructuring proceedings started in the month and still open at the
--   newest dump. Bankruptcies are NULL: the register shows open proceedings only, so bankruptcy
--   counts come from kony. Housing and mutual property companies are left out; sole traders are not
--   in the open data.
-- * source 'statfin', grain 'quarter': Statistics Finland's enterprise openings, closures and stock
--   (aly, by municipality and section) and bankruptcies (kony, by region and month, summed to the
--   quarter; region and country rows of all industries only, NULL elsewhere).
-- Municipalities are summed to employment areas, sub-regions and regions through dim_area (the
-- current division). The country row of the register also counts companies whose municipality is
-- unknown or no longer exists; that of aly is the source's own SSS row. Industry SSS is all industries.
with register as (
    select * from {{ ref('int_business_register_monthly') }}
),

enterprises as (
    select * from {{ ref('stg_statfin__business_dynamics') }}
),

bankruptcies as (
    select * from {{ ref('int_bankruptcies_quarterly') }}
),

municipalities as (
    select * from {{ ref('dim_area') }}
    where area_level = 'municipality'
),

-- every area a municipality belongs to, the municipality itself included
members as (
    select
        area_code as municipality_code,
        area_code,
        'municipality' as area_level
    from municipalities
    union all
    select
        area_code as municipality_code,
        employment_area_code as area_code,
        'employment_area' as area_level
    from municipalities
    union all
    select
        area_code as municipality_code,
        subregion_code as area_code,
        'subregion' as area_level
    from municipalities
    union all
    select
        area_code as municipality_code,
        region_code as area_code,
        'region' as area_level
    from municipalities
),

register_sections as (
    select
        members.area_code,
        members.area_level,
        register.month,
        register.industry_section_code,
        sum(register.openings) as openings,
        sum(register.closures) as closures,
        sum(register.stock) as stock,
        sum(register.open_restructurings) as restructurings,
        max(register.closures_known_from) as closures_known_from,
        max(register.source_updated_at) as source_updated_at,
        bool_or(register.is_sample_data) as is_sample_data
    from register
    inner join members on register.municipality_code = members.municipality_code
    group by all
    union all
    select
        'SSS' as area_code,
        'country' as area_level,
        month,
        industry_section_code,
        sum(openings) as openings,
        sum(closures) as closures,
        sum(stock) as stock,
        sum(open_restructurings) as restructurings,
        max(closures_known_from) as closures_known_from,
        max(source_updated_at) as source_updated_at,
        bool_or(is_sample_data) as is_sample_data
    from register
    group by all
),

register_rows as (
    select * from register_sections
    union all
    select
        area_code,
        area_level,
        month,
        'SSS' as industry_section_code,
        sum(openings) as openings,
        sum(closures) as closures,
        sum(stock) as stock,
        sum(restructurings) as restructurings,
        max(closures_known_from) as closures_known_from,
        max(source_updated_at) as source_updated_at,
        bool_or(is_sample_data) as is_sample_data
    from register_sections
    group by all
),

enterprise_cells as (
    select
        area_code,
        quarter,
        industry_code,
        max(value) filter (where measure_code = 'aloittaneet') as openings,
        max(value) filter (where measure_code = 'lopettaneet') as closures,
        max(value) filter (where measure_code = 'yrityskanta') as stock,
        bool_or(value is null) as has_missing_cell,
        max(source_updated_at) as source_updated_at,
        bool_or(is_sample_data) as is_sample_data
    from enterprises
    group by area_code, quarter, industry_code
),

enterprise_rows as (
    select
        members.area_code,
        members.area_level,
        enterprise_cells.quarter,
        enterprise_cells.industry_code as industry_section_code,
        sum(enterprise_cells.openings) as openings,
        sum(enterprise_cells.closures) as closures,
        sum(enterprise_cells.stock) as stock,
        bool_or(enterprise_cells.has_missing_cell) as is_lower_bound,
        max(enterprise_cells.source_updated_at) as source_updated_at,
        bool_or(enterprise_cells.is_sample_data) as is_sample_data
    from enterprise_cells
    inner join members on enterprise_cells.area_code = members.municipality_code
    group by all
    union all
    select
        area_code,
        'country' as area_level,
        quarter,
        industry_code as industry_section_code,
        openings,
        closures,
        stock,
        has_missing_cell as is_lower_bound,
        source_updated_at,
        is_sample_data
    from enterprise_cells
    where area_code = 'SSS'
),

statistics_rows as (
    select
        enterprise_rows.openings,
        enterprise_rows.closures,
        enterprise_rows.stock,
        bankruptcies.bankruptcies,
        coalesce(enterprise_rows.area_code, bankruptcies.area_code) as area_code,
        coalesce(
            enterprise_rows.area_level, case when bankruptcies.area_code = 'SSS' then 'country' else 'region' end
        ) as area_level,
        coalesce(enterprise_rows.quarter, bankruptcies.quarter) as period_start,
        coalesce(enterprise_rows.industry_section_code, 'SSS') as industry_section_code,
        coalesce(enterprise_rows.is_lower_bound, false) or coalesce(bankruptcies.is_lower_bound, false)
            as is_lower_bound,
        greatest(enterprise_rows.source_updated_at, bankruptcies.source_updated_at) as source_updated_at,
        coalesce(enterprise_rows.is_sample_data, false) or coalesce(bankruptcies.is_sample_data, false)
            as is_sample_data
    from enterprise_rows
    full outer join bankruptcies
        on
            enterprise_rows.area_code = bankruptcies.area_code
            and enterprise_rows.quarter = bankruptcies.quarter
            and enterprise_rows.industry_section_code = 'SSS'
),

unioned as (
    select
        area_code,
        area_level,
        'month' as period_grain,
        month as period_start,
        'prh' as source,
        industry_section_code,
        openings,
        closures,
        stock,
        null as bankruptcies,
        restructurings,
        false as is_lower_bound,
        closures_known_from,
        source_updated_at,
        is_sample_data
    from register_rows
    union all
    select
        area_code,
        area_level,
        'quarter' as period_grain,
        period_start,
        'statfin' as source,
        industry_section_code,
        openings,
        closures,
        stock,
        bankruptcies,
        null as restructurings,
        is_lower_bound,
        null as closures_known_from,
        source_updated_at,
        is_sample_data
    from statistics_rows
)

select
    cast(area_code as varchar) as area_code,
    cast(area_level as varchar) as area_level,
    cast(period_grain as varchar) as period_grain,
    cast(period_start as date) as period_start,
    cast(source as varchar) as source,
    cast(industry_section_code as varchar) as industry_section_code,
    cast(openings as bigint) as openings,
    cast(closures as bigint) as closures,
    cast(openings - closures as bigint) as net_change,
    cast(stock as bigint) as stock,
    cast(bankruptcies as bigint) as bankruptcies,
    cast(restructurings as bigint) as restructurings,
    cast(is_lower_bound as boolean) as is_lower_bound,
    cast(closures_known_from as date) as closures_known_from,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(is_sample_data as boolean) as is_sample
from unioned
