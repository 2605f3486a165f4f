-- The release history of every figure (vintages): one row per area, month, measure, breakdown and
-- release (the source's update stamp) in which the figure was first published or its value changed;
-- a release re-publishing a figure unchanged adds no row (the value stands until a later row).
-- 12r5 count measures at the area levels of fct_labour_market_monthly and by its rules: source rows
-- for municipalities (a merged municipality only when every member cell is visible), sub-regions,
-- regions and the country; an employment area is the sum of its member municipalities' cells as they
-- stood in the release (a lower bound when a member cell was suppressed), or, cell by cell, the
-- figure of the identical published area when it has one (int_identical_published_areas).
-- Kela's benefit figures are per employment area as published, breakdown `benefit / days class`.
{%- set count_measures = labour_market_measures(kind='count') %}

with labour_market as (
    select * from {{ ref('stg_statfin__labour_market_releases') }}
),

kela as (
    select * from {{ ref('stg_kela__unemployment_benefit_releases') }}
),

measure_names as (
    select
        measure_list.measure_code,
        measure_list.measure
    from (
        values
        {%- for measure in count_measures %}
        ('{{ measure.code }}', '{{ measure.column }}'){{ ',' if not loop.last }}
        {%- endfor %}
    ) as measure_list (measure_code, measure)
),

harmonisation as (
    select * from {{ ref('int_municipality_harmonisation') }}
),

areas as (
    select
        area_code,
        area_level,
        employment_area_code
    from {{ ref('dim_area') }}
),

identical_published_areas as (
    select * from {{ ref('int_identical_published_areas') }}
),

-- 12r5 cells with today's code of their area
cells as (
    select
        labour_market.area_code as source_code,
        labour_market.month,
        measure_names.measure,
        labour_market.source_updated_at,
        labour_market.value,
        labour_market.is_sample_data,
        coalesce(harmonisation.current_municipality_code, labour_market.area_code) as current_code
    from labour_market
    inner join measure_names on labour_market.measure_code = measure_names.measure_code
    left join harmonisation
        on
            labour_market.area_code = harmonisation.municipality_code
            and year(labour_market.month) = harmonisation.valid_year
),

cell_keys as (
    select distinct
        current_code,
        source_code,
        month,
        measure
    from cells
),

-- the source cells each figure is made of
members as (
    select
        areas.area_code,
        areas.area_level,
        cell_keys.month,
        cell_keys.measure,
        cell_keys.source_code,
        false as is_published
    from cell_keys
    inner join areas on cell_keys.current_code = areas.area_code
    where areas.area_level in ('municipality', 'subregion', 'region', 'country')
    union all
    select
        areas.employment_area_code as area_code,
        'employment_area' as area_level,
        cell_keys.month,
        cell_keys.measure,
        cell_keys.source_code,
        false as is_published
    from cell_keys
    inner join areas on cell_keys.current_code = areas.area_code
    where areas.area_level = 'municipality'
    union all
    select
        identical_published_areas.area_code,
        'employment_area' as area_level,
        cell_keys.month,
        cell_keys.measure,
        cell_keys.source_code,
        true as is_published
    from cell_keys
    inner join identical_published_areas on cell_keys.source_code = identical_published_areas.published_area_code
),

member_counts as (
    select
        area_code,
        area_level,
        month,
        measure,
        count(*) filter (where not is_published) as member_count
    from members
    group by area_code, area_level, month, measure
),

-- a figure can only have changed in a release in which one of its cells did
candidate_releases as (
    select distinct
        members.area_code,
        members.area_level,
        members.month,
        members.measure,
        cells.source_updated_at
    from members
    inner join cells
        on
            members.source_code = cells.source_code
            and members.month = cells.month
            and members.measure = cells.measure
),

-- each member cell as it stood in the release: its latest row at or before it
as_of as (
    select
        candidate_releases.area_code,
        candidate_releases.area_level,
        candidate_releases.month,
        candidate_releases.measure,
        candidate_releases.source_updated_at,
        members.is_published,
        cells.value,
        cells.is_sample_data
    from candidate_releases
    inner join members
        on
            candidate_releases.area_code = members.area_code
            and candidate_releases.area_level = members.area_level
            and candidate_releases.month = members.month
            and candidate_releases.measure = members.measure
    inner join cells
        on
            members.source_code = cells.source_code
            and candidate_releases.month = cells.month
            and candidate_releases.measure = cells.measure
            and candidate_releases.source_updated_at >= cells.source_updated_at
    qualify row_number() over (
            partition by
                candidate_releases.area_code,
                candidate_releases.area_level,
                candidate_releases.month,
                candidate_releases.measure,
                candidate_releases.source_updated_at,
                members.source_code
            order by cells.source_updated_at desc
        ) = 1
),

combined as (
    select
        as_of.area_code,
        as_of.area_level,
        as_of.month,
        as_of.measure,
        as_of.source_updated_at,
        max(as_of.value) filter (where as_of.is_published) as published_value,
        sum(as_of.value) filter (where not as_of.is_published) as value_sum,
        any_value(member_counts.member_count) - count(as_of.value) filter (where not as_of.is_published)
            as missing_members,
        bool_or(as_of.is_sample_data) as is_sample_data
    from as_of
    inner join member_counts
        on
            as_of.area_code = member_counts.area_code
            and as_of.area_level = member_counts.area_level
            and as_of.month = member_counts.month
            and as_of.measure = member_counts.measure
    group by as_of.area_code, as_of.area_level, as_of.month, as_of.measure, as_of.source_updated_at
),

labour_market_figures as (
    select
        'statfin/labour_market' as dataset,
        area_code,
        area_level,
        month,
        measure,
        '' as breakdown,
        source_updated_at,
        -- an employment area: the identical published area's cell, else the sum of the visible members;
        -- a source area (a merged municipality) needs every member cell
        case
            when published_value is not null then published_value
            when area_level = 'employment_area' or missing_members = 0 then value_sum
        end as value,
        published_value is null
        and area_level = 'employment_area'
        and value_sum is not null
        and missing_members > 0 as is_lower_bound,
        is_sample_data
    from combined
),

kela_figures as (
    select
        dataset,
        area_code,
        'employment_area' as area_level,
        month,
        measure_code as measure,
        breakdown,
        source_updated_at,
        value,
        false as is_lower_bound,
        is_sample_data
    from kela
),

unioned as (
    select * from labour_market_figures
    union all
    select * from kela_figures
),

-- the first release of a figure and each later release that changed its value or bound
changes as (
    select
        *,
        row_number() over figure as figure_position,
        lag(value) over figure as previous_value,
        lag(is_lower_bound) over figure as previous_is_lower_bound
    from unioned
    window figure as (partition by dataset, area_code, month, measure, breakdown order by source_updated_at)
),

kept as (
    select * from changes
    where
        figure_position = 1
        or value is distinct from previous_value
        or is_lower_bound is distinct from previous_is_lower_bound
),

numbered as (
    select
        *,
        row_number() over figure as release_number,
        count(*) over (partition by dataset, area_code, month, measure, breakdown) as release_rows
    from kept
    window figure as (partition by dataset, area_code, month, measure, breakdown order by source_updated_at)
)

select
    cast(dataset as varchar) as dataset,
    cast(area_code as varchar) as area_code,
    cast(area_level as varchar) as area_level,
    cast(month as date) as month,
    cast(measure as varchar) as measure,
    cast(breakdown as varchar) as breakdown,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(value as double) as value,
    cast(value is null as boolean) as is_suppressed,
    cast(is_lower_bound as boolean) as is_lower_bound,
    cast(release_number as integer) as release_number,
    cast(release_number = 1 as boolean) as is_first_release,
    cast(release_number = release_rows as boolean) as is_latest_release,
    cast(is_sample_data as boolean) as is_sample_data
from numbered
