-- Labour-market figures of table tyonv/12r5 by area and month.
-- Municipality, sub-region, region and country rows are the source's own rows; employment-area rows
-- are sums of their member municipalities under the current classification (tyonv has no TA level).
-- Rates are recomputed as 100 * sum(unemployed) / sum(labour_force), never averaged.
{%- set count_measures = labour_market_measures(kind='count') %}
{%- set service_columns = labour_market_service_columns() %}

with pivoted as (
    select * from {{ ref('int_labour_market_pivoted') }}
),

areas as (
    select
        area_code,
        area_level,
        employment_area_code
    from {{ ref('dim_area') }}
),

source_rows as (
    select
        pivoted.area_code,
        areas.area_level,
        pivoted.month,
        {%- for measure in count_measures %}
        pivoted.{{ measure.column }},
        {%- endfor %}
        round(100.0 * pivoted.unemployed / nullif(pivoted.labour_force, 0), 1) as unemployment_rate,
        pivoted.published_unemployment_rate,
        -- exact or NULL: NULL as soon as one of the six service cells is missing
        {{ service_columns | join(' + ') }} as persons_in_services,
        pivoted.suppressed_cell_count,
        pivoted.null_cell_columns,
        1 as member_count,
        -- nothing is summed on a source row: a missing cell stays NULL, the others are exact
        false as is_lower_bound,
        pivoted.source_table,
        pivoted.source_updated_at,
        pivoted.loaded_at,
        pivoted.is_sample_data
    from pivoted
    inner join areas on pivoted.area_code = areas.area_code
    where areas.area_level in ('municipality', 'subregion', 'region', 'country')
),

employment_area_sums as (
    select
        areas.employment_area_code as area_code,
        pivoted.month,
        {%- for measure in count_measures %}
        sum(pivoted.{{ measure.column }}) as {{ measure.column }},
        count(*) - count(pivoted.{{ measure.column }}) as {{ measure.column }}__null_members,
        {%- endfor %}
        sum(pivoted.suppressed_cell_count) as suppressed_cell_count,
        count(*) as member_count,
        max(pivoted.source_table) as source_table,
        max(pivoted.source_updated_at) as source_updated_at,
        max(pivoted.loaded_at) as loaded_at,
        bool_or(pivoted.is_sample_data) as is_sample_data
    from pivoted
    inner join areas on pivoted.area_code = areas.area_code
    where areas.area_level = 'municipality'
    group by areas.employment_area_code, pivoted.month
),

employment_area_rows as (
    select
        area_code,
        'employment_area' as area_level,
        month,
        {%- for measure in count_measures %}
        {{ measure.column }},
        {%- endfor %}
        -- a rate only when every member's numerator and denominator are visible
        case
            when unemployed__null_members = 0 and labour_force__null_members = 0
                then round(100.0 * unemployed / nullif(labour_force, 0), 1)
        end as unemployment_rate,
        cast(null as double) as published_unemployment_rate,
        -- sum of the visible service cells (a lower bound when one is missing); NULL if none is visible
        list_sum([{{ service_columns | join(', ') }}]) as persons_in_services,
        suppressed_cell_count,
        nullif(concat_ws(
            ', ',
            {%- for measure in count_measures %}
            case when {{ measure.column }}__null_members > 0 then '{{ measure.column }}' end
            {{- ',' if not loop.last }}
            {%- endfor %}
        ), '') as null_cell_columns,
        member_count,
        suppressed_cell_count > 0 as is_lower_bound,
        source_table,
        source_updated_at,
        loaded_at,
        is_sample_data
    from employment_area_sums
),

unioned as (
    select * from source_rows
    union all by name
    select * from employment_area_rows
)

select
    cast(area_code as varchar) as area_code,
    cast(area_level as varchar) as area_level,
    cast(month as date) as month,
    cast(jobseekers as bigint) as jobseekers,
    cast(unemployed as bigint) as unemployed,
    cast(labour_force as bigint) as labour_force,
    cast(unemployment_rate as double) as unemployment_rate,
    cast(published_unemployment_rate as double) as published_unemployment_rate,
    cast(unemployed_men as bigint) as unemployed_men,
    cast(unemployed_women as bigint) as unemployed_women,
    cast(unemployed_under_20 as bigint) as unemployed_under_20,
    cast(unemployed_under_25 as bigint) as unemployed_under_25,
    cast(unemployed_over_50 as bigint) as unemployed_over_50,
    cast(unemployed_disabled_or_ill as bigint) as unemployed_disabled_or_ill,
    cast(unemployed_foreign_nationals as bigint) as unemployed_foreign_nationals,
    cast(long_term_unemployed as bigint) as long_term_unemployed,
    cast(unemployment_fund_members as bigint) as unemployment_fund_members,
    cast(laid_off as bigint) as laid_off,
    cast(on_shortened_week as bigint) as on_shortened_week,
    cast(in_subsidised_employment as bigint) as in_subsidised_employment,
    cast(in_work_practice as bigint) as in_work_practice,
    cast(in_work_trial as bigint) as in_work_trial,
    cast(in_labour_market_training as bigint) as in_labour_market_training,
    cast(in_coaching as bigint) as in_coaching,
    cast(in_other_services as bigint) as in_other_services,
    cast(persons_in_services as bigint) as persons_in_services,
    cast(open_vacancies as bigint) as open_vacancies,
    cast(new_vacancies as bigint) as new_vacancies,
    cast(suppressed_cell_count as integer) as suppressed_cell_count,
    cast(null_cell_columns as varchar) as null_cell_columns,
    cast(member_count as integer) as member_count,
    cast(is_lower_bound as boolean) as is_lower_bound,
    cast(source_table as varchar) as source_table,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from unioned
