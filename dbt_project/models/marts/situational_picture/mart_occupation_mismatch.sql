-- Unemployed jobseekers and open vacancies by occupation (tyonv/12ti) for every employment area and
-- the whole country, by month: the vacancies-per-unemployed ratio, 12-month sums and averages, a
-- shortage / balance / surplus class by the rule in the YAML, and ranks of the top shortages and
-- surpluses. Employment areas are sums of their member municipalities; a sum over a suppressed
-- member cell is a lower bound and flagged, and so is a class computed from one. Vacancies reported
-- under an unknown municipality (KUJOU) are only in the country figure; their share is reported per
-- occupation and month.
{%- set shortage_factor = 2 %}
{%- set min_monthly_volume = 10 %}

with occupations as (
    select * from {{ ref('stg_statfin__occupations') }}
),

areas as (
    select * from {{ ref('dim_area') }}
),

cells as (
    select
        area_code,
        month,
        occupation_code,
        max(value) filter (where measure_code = 'TYOTTOMATLOPUSSA') as unemployed,
        max(value) filter (where measure_code = 'AVPAIKATLOPUSSA') as open_vacancies,
        bool_or(value is null) filter (where measure_code = 'TYOTTOMATLOPUSSA') as unemployed_missing,
        bool_or(value is null) filter (where measure_code = 'AVPAIKATLOPUSSA') as open_vacancies_missing,
        max(source_table) as source_table,
        max(source_updated_at) as source_updated_at,
        bool_or(is_sample_data) as is_sample_data
    from occupations
    group by area_code, month, occupation_code
),

employment_area_sums as (
    select
        areas.employment_area_code as area_code,
        'employment_area' as area_level,
        cells.month,
        cells.occupation_code,
        sum(cells.unemployed) as unemployed,
        sum(cells.open_vacancies) as open_vacancies,
        bool_or(cells.unemployed_missing) as unemployed_is_lower_bound,
        bool_or(cells.open_vacancies_missing) as open_vacancies_is_lower_bound,
        max(cells.source_table) as source_table,
        max(cells.source_updated_at) as source_updated_at,
        bool_or(cells.is_sample_data) as is_sample_data
    from cells
    inner join areas on cells.area_code = areas.area_code
    where areas.area_level = 'municipality'
    group by areas.employment_area_code, cells.month, cells.occupation_code
),

country_rows as (
    select
        area_code,
        'country' as area_level,
        month,
        occupation_code,
        unemployed,
        open_vacancies,
        false as unemployed_is_lower_bound,
        false as open_vacancies_is_lower_bound,
        source_table,
        source_updated_at,
        is_sample_data
    from cells
    where area_code = 'SSS'
),

unknown_area as (
    select
        month,
        occupation_code,
        open_vacancies as unknown_area_vacancies
    from cells
    where area_code = 'KUJOU'
),

combined as (
    select * from employment_area_sums
    union all
    select * from country_rows
),

rolling as (
    select
        *,
        count(*) over last_year as months_in_window,
        sum(unemployed) over last_year as unemployed_12m,
        sum(open_vacancies) over last_year as open_vacancies_12m,
        bool_or(unemployed_is_lower_bound) over last_year as unemployed_12m_is_lower_bound,
        bool_or(open_vacancies_is_lower_bound) over last_year as open_vacancies_12m_is_lower_bound
    from combined
    window last_year as (
        partition by area_code, occupation_code
        order by month
        range between interval 11 month preceding and current row
    )
),

-- the area's whole market (all occupations) over the same 12 months, the yardstick of the class
area_totals as (
    select
        area_code,
        month,
        sum(open_vacancies_12m) / nullif(sum(unemployed_12m), 0) as area_vacancies_per_unemployed_12m
    from rolling
    where months_in_window = 12
    group by area_code, month
),

classified as (
    select
        rolling.*,
        area_totals.area_vacancies_per_unemployed_12m,
        case when rolling.months_in_window = 12 then rolling.open_vacancies_12m / nullif(rolling.unemployed_12m, 0) end
            as vacancies_per_unemployed_12m,
        case
            when rolling.months_in_window < 12 then null
            when (rolling.unemployed_12m + rolling.open_vacancies_12m) / 12 < {{ min_monthly_volume }}
                then 'too_small'
            when rolling.open_vacancies_12m >= {{ shortage_factor }}
                * area_totals.area_vacancies_per_unemployed_12m * rolling.unemployed_12m
                then 'shortage'
            when {{ shortage_factor }} * rolling.open_vacancies_12m
                <= area_totals.area_vacancies_per_unemployed_12m * rolling.unemployed_12m
                then 'surplus'
            else 'balance'
        end as balance_class
    from rolling
    left join area_totals on rolling.area_code = area_totals.area_code and rolling.month = area_totals.month
),

ranked as (
    select
        *,
        case
            when balance_class = 'shortage'
                then row_number() over (
                        partition by area_code, month, balance_class = 'shortage'
                        order by
                            vacancies_per_unemployed_12m desc nulls last, open_vacancies_12m desc, occupation_code asc
                    )
        end as shortage_rank,
        case
            when balance_class = 'surplus'
                then row_number() over (
                        partition by area_code, month, balance_class = 'surplus'
                        order by unemployed_12m - open_vacancies_12m desc, occupation_code asc
                    )
        end as surplus_rank
    from classified
)

select
    cast(ranked.area_code as varchar) as area_code,
    cast(ranked.area_level as varchar) as area_level,
    cast(ranked.occupation_code as varchar) as occupation_code,
    cast(ranked.month as date) as month,
    cast(ranked.unemployed as bigint) as unemployed,
    cast(ranked.open_vacancies as bigint) as open_vacancies,
    cast(ranked.unemployed_is_lower_bound as boolean) as unemployed_is_lower_bound,
    cast(ranked.open_vacancies_is_lower_bound as boolean) as open_vacancies_is_lower_bound,
    cast(
        case when not ranked.unemployed_is_lower_bound then ranked.open_vacancies / nullif(ranked.unemployed, 0) end
        as double
    ) as vacancies_per_unemployed,
    cast(case when ranked.months_in_window = 12 then ranked.unemployed_12m / 12 end as double)
        as unemployed_12m_average,
    cast(case when ranked.months_in_window = 12 then ranked.open_vacancies_12m / 12 end as double)
        as open_vacancies_12m_average,
    cast(ranked.vacancies_per_unemployed_12m as double) as vacancies_per_unemployed_12m,
    cast(ranked.area_vacancies_per_unemployed_12m as double) as area_vacancies_per_unemployed_12m,
    cast(ranked.balance_class as varchar) as balance_class,
    cast(
        ranked.balance_class is not null
        and (ranked.unemployed_12m_is_lower_bound or ranked.open_vacancies_12m_is_lower_bound) as boolean
    ) as class_uses_lower_bounds,
    cast(ranked.shortage_rank as integer) as shortage_rank,
    cast(ranked.surplus_rank as integer) as surplus_rank,
    cast(100.0 * unknown_area.unknown_area_vacancies / nullif(country.open_vacancies, 0) as double)
        as country_unknown_area_pct,
    cast(ranked.source_table as varchar) as source_table,
    cast(ranked.source_updated_at as timestamp) as source_updated_at,
    cast(ranked.is_sample_data as boolean) as is_sample_data
from ranked
left join unknown_area
    on ranked.month = unknown_area.month and ranked.occupation_code = unknown_area.occupation_code
left join country_rows as country
    on ranked.month = country.month and ranked.occupation_code = country.occupation_code
