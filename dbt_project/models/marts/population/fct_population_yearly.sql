-- Population on 31 December by area and year (vaerak/11re), for municipalities, employment areas,
-- regions and the whole country, with working-age (15-64) denominators.
-- Municipality and country rows are the source's own rows; employment areas and regions are sums of
-- their member municipalities under the current classification (11re uses the current municipal
-- division for the whole series). official_population is vaerak/11ra's own figure for the same area,
-- which a data test compares with the sums.
with population as (
    select * from {{ ref('stg_statfin__population') }}
),

areas as (
    select
        area_code,
        area_level,
        employment_area_code,
        region_code
    from {{ ref('dim_area') }}
),

official as (
    select
        area_code,
        year,
        value as official_population
    from {{ ref('stg_statfin__population_key_figures') }}
    where measure_code = 'vaerak-vaesto'
),

-- one row per source area and year; working age = age groups lying wholly within 15-64
source_rows as (
    select
        area_code,
        year,
        sum(population) filter (where sex_code = 'SSS' and age_code = 'SSS') as population,
        sum(population) filter (where sex_code = '1' and age_code = 'SSS') as population_men,
        sum(population) filter (where sex_code = '2' and age_code = 'SSS') as population_women,
        sum(population) filter (
            where sex_code = 'SSS' and age_from >= 15 and age_to <= 64
        ) as working_age_population,
        sum(population) filter (where sex_code = '1' and age_from >= 15 and age_to <= 64) as working_age_men,
        sum(population) filter (where sex_code = '2' and age_from >= 15 and age_to <= 64) as working_age_women,
        max(source_table) as source_table,
        max(source_updated_at) as source_updated_at,
        max(loaded_at) as loaded_at,
        bool_or(is_sample_data) as is_sample_data
    from population
    group by area_code, year
),

municipal as (
    select
        source_rows.*,
        areas.employment_area_code,
        areas.region_code
    from source_rows
    inner join areas on source_rows.area_code = areas.area_code
    where areas.area_level = 'municipality'
),

{%- set summed = ['population', 'population_men', 'population_women', 'working_age_population',
                  'working_age_men', 'working_age_women'] %}

aggregated as (
    {%- for level, parent in [('employment_area', 'employment_area_code'), ('region', 'region_code')] %}
    select
        {{ parent }} as area_code,
        '{{ level }}' as area_level,
        year,
        {%- for column in summed %}
        sum({{ column }}) as {{ column }},
        {%- endfor %}
        count(*) as member_count,
        max(source_table) as source_table,
        max(source_updated_at) as source_updated_at,
        max(loaded_at) as loaded_at,
        bool_or(is_sample_data) as is_sample_data
    from municipal
    group by {{ parent }}, year
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

own_rows as (
    select
        source_rows.area_code,
        areas.area_level,
        source_rows.year,
        {%- for column in summed %}
        source_rows.{{ column }},
        {%- endfor %}
        1 as member_count,
        source_rows.source_table,
        source_rows.source_updated_at,
        source_rows.loaded_at,
        source_rows.is_sample_data
    from source_rows
    inner join areas on source_rows.area_code = areas.area_code
    where areas.area_level in ('municipality', 'country')
),

combined as (
    select * from own_rows
    union all
    select * from aggregated
)

select
    cast(combined.area_code as varchar) as area_code,
    cast(combined.area_level as varchar) as area_level,
    cast(combined.year as integer) as year,
    {%- for column in summed %}
    cast(combined.{{ column }} as bigint) as {{ column }},
    {%- endfor %}
    cast(round(100.0 * combined.working_age_population / nullif(combined.population, 0), 1) as double)
        as working_age_share,
    cast(official.official_population as bigint) as official_population,
    cast(combined.member_count as integer) as member_count,
    cast(combined.source_table as varchar) as source_table,
    cast(combined.source_updated_at as timestamp) as source_updated_at,
    cast(combined.loaded_at as timestamp) as loaded_at,
    cast(combined.is_sample_data as boolean) as is_sample_data
from combined
left join official on combined.area_code = official.area_code and combined.year = official.year
