-- Labour-market figures of table tyonv/12r5 by area and month.
-- Municipality, sub-region, region and country rows are the source's own rows; employment-area rows
-- are sums of their member municipalities under the current classification (tyonv has no TA level).
-- An employment area whose members are exactly those of a published region or sub-region (Åland TA46 =
-- MK21) takes that published, exact row instead of the sum, cell by cell (a suppressed published cell
-- falls back to the sum).
-- Bounds are kept per measure: a sum missing a member cell is a lower bound (<column>_is_lower_bound);
-- a rate over a lower-bound numerator and an exact denominator is a lower bound, over a lower-bound
-- denominator it is NULL. Rates are recomputed as 100 * sum(unemployed) / sum(labour_force), never averaged.
{%- set count_measures = labour_market_measures(kind='count') %}
{%- set service_columns = labour_market_service_columns() %}
{#- output order: the measures, the recomputed rate before the published one and persons_in_services
    after the service columns; then one lower-bound flag per bounded column in the same order -#}
{%- set output_columns = [] %}
{%- for measure in labour_market_measures() %}
{%- if measure.kind == 'rate' %}
{%- do output_columns.append({'name': 'unemployment_rate', 'type': 'double', 'bounded': true}) %}
{%- do output_columns.append({'name': measure.column, 'type': 'double', 'bounded': false}) %}
{%- else %}
{%- do output_columns.append({'name': measure.column, 'type': 'bigint', 'bounded': true}) %}
{%- endif %}
{%- if measure.column == service_columns[-1] %}
{%- do output_columns.append({'name': 'persons_in_services', 'type': 'bigint', 'bounded': true}) %}
{%- endif %}
{%- endfor %}
{%- set bounded_columns = output_columns | selectattr('bounded') | map(attribute='name') | list %}
{%- for column in bounded_columns %}
{%- do output_columns.append({'name': column ~ '_is_lower_bound', 'type': 'boolean', 'bounded': false}) %}
{%- endfor %}

with pivoted as (
    select * from {{ ref('int_labour_market_pivoted') }}
),

areas as (
    select
        area_code,
        area_level,
        employment_area_code,
        subregion_code,
        region_code,
        municipality_count
    from {{ ref('dim_area') }}
),

identical_published_areas as (
    select * from {{ ref('int_identical_published_areas') }}
),

source_rows as (
    select
        pivoted.area_code,
        areas.area_level,
        pivoted.month,
        {%- for measure in count_measures %}
        pivoted.{{ measure.column }},
        false as {{ measure.column }}_is_lower_bound,
        {%- endfor %}
        round(100.0 * pivoted.unemployed / nullif(pivoted.labour_force, 0), 1) as unemployment_rate,
        false as unemployment_rate_is_lower_bound,
        pivoted.published_unemployment_rate,
        -- exact or NULL: NULL as soon as one of the six service cells is missing
        {{ service_columns | join(' + ') }} as persons_in_services,
        false as persons_in_services_is_lower_bound,
        pivoted.suppressed_cell_count,
        1 as member_count,
        cast(null as varchar) as published_area_code,
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

-- each count from the identical published row when it has the cell, else the members' sum;
-- __incomplete = the value misses a member cell (a lower bound, or NULL when no member is visible)
employment_area_counts as (
    select
        sums.area_code,
        sums.month,
        {%- for measure in count_measures %}
        coalesce(published.{{ measure.column }}, sums.{{ measure.column }}) as {{ measure.column }},
        published.{{ measure.column }} is null and sums.{{ measure.column }}__null_members > 0
            as {{ measure.column }}__incomplete,
        {%- endfor %}
        published.published_unemployment_rate,
        coalesce(published.suppressed_cell_count, sums.suppressed_cell_count) as suppressed_cell_count,
        sums.member_count,
        published.area_code as published_area_code,
        sums.source_table,
        sums.source_updated_at,
        sums.loaded_at,
        sums.is_sample_data
    from employment_area_sums as sums
    left join identical_published_areas on sums.area_code = identical_published_areas.area_code
    left join pivoted as published
        on
            identical_published_areas.published_area_code = published.area_code
            and sums.month = published.month
),

employment_area_rows as (
    select
        area_code,
        'employment_area' as area_level,
        month,
        {%- for measure in count_measures %}
        {{ measure.column }},
        {{ measure.column }} is not null and {{ measure.column }}__incomplete as {{ measure.column }}_is_lower_bound,
        {%- endfor %}
        -- a rate needs a complete denominator; over a lower-bound numerator it is a lower bound itself
        case
            when not labour_force__incomplete then round(100.0 * unemployed / nullif(labour_force, 0), 1)
        end as unemployment_rate,
        coalesce(not labour_force__incomplete and labour_force != 0 and unemployed__incomplete, false)
            as unemployment_rate_is_lower_bound,
        published_unemployment_rate,
        -- sum of the visible service cells (a lower bound when one is missing); NULL if none is visible
        list_sum([{{ service_columns | join(', ') }}]) as persons_in_services,
        list_sum([{{ service_columns | join(', ') }}]) is not null
        and (
            {%- for column in service_columns %}
            {{ column }}__incomplete{{ ' or' if not loop.last }}
            {%- endfor %}
        ) as persons_in_services_is_lower_bound,
        suppressed_cell_count,
        member_count,
        published_area_code,
        source_table,
        source_updated_at,
        loaded_at,
        is_sample_data
    from employment_area_counts
),

unioned as (
    select * from source_rows
    union all by name
    select * from employment_area_rows
),

listed as (
    select
        *,
        coalesce(string_split(nullif(concat_ws(
            ',',
            {%- for column in bounded_columns %}
            case when {{ column }}_is_lower_bound then '{{ column }}' end{{ ',' if not loop.last }}
            {%- endfor %}
        ), ''), ','), []) as lower_bound_columns
    from unioned
)

select
    cast(area_code as varchar) as area_code,
    cast(area_level as varchar) as area_level,
    cast(month as date) as month,
    {%- for column in output_columns %}
    cast({{ column.name }} as {{ column.type }}) as {{ column.name }},
    {%- endfor %}
    cast(lower_bound_columns as varchar[]) as lower_bound_columns,
    cast(len(lower_bound_columns) > 0 as boolean) as any_measure_is_lower_bound,
    cast(suppressed_cell_count as integer) as suppressed_cell_count,
    cast(member_count as integer) as member_count,
    cast(published_area_code is not null as boolean) as is_published_total,
    cast(published_area_code as varchar) as published_area_code,
    cast(source_table as varchar) as source_table,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from listed
