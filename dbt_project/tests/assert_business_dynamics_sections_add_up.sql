-- Consistency of mart_business_dynamics; returns one row per violation.
-- 1. On every area and period, the all-industries row (SSS) equals the sum of the section rows for
--    openings, closures and stock (exact for the register; for aly exact unless a cell is missing).
-- 2. Register stock moves only by the month's events: stock = previous month's stock + net change.
with dynamics as (
    select * from {{ ref('mart_business_dynamics') }}
),

section_sums as (
    select
        area_code,
        source,
        period_start,
        sum(openings) as openings,
        sum(closures) as closures,
        sum(stock) as stock
    from dynamics
    where industry_section_code != 'SSS'
    group by area_code, source, period_start
),

totals as (
    select * from dynamics
    where industry_section_code = 'SSS' and not is_lower_bound
),

section_violations as (
    select
        totals.area_code,
        totals.source,
        totals.period_start,
        'sections do not add up to SSS' as problem
    from totals
    inner join section_sums
        on
            totals.area_code = section_sums.area_code
            and totals.source = section_sums.source
            and totals.period_start = section_sums.period_start
    where
        totals.openings is distinct from section_sums.openings
        or totals.closures is distinct from section_sums.closures
        or totals.stock is distinct from section_sums.stock
),

register_totals as (
    select
        area_code,
        source,
        period_start,
        stock,
        net_change,
        lag(stock) over (partition by area_code order by period_start) as previous_stock,
        lag(period_start) over (partition by area_code order by period_start) as previous_month
    from dynamics
    where source = 'prh' and industry_section_code = 'SSS'
),

stock_violations as (
    select
        area_code,
        source,
        period_start,
        'register stock does not move by the net change' as problem
    from register_totals
    where
        previous_month = period_start - interval 1 month
        and stock != previous_stock + net_change
)

select * from section_violations
union all
select * from stock_violations
