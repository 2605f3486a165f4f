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

-- each cell row as a change to what it stood at before (nothing before its first row)
cell_changes as (
    select
        source_code,
        month,
        measure,
        source_updated_at,
        is_sample_data,
        coalesce(value, 0) - coalesce(lag(value) over cell, 0) as value_change,
        (value is not null)::integer - coalesce((lag(value) over cell is not null)::integer, 0) as visible_change
    from cells
    window cell as (partition by source_code, month, measure order by source_updated_at)
),

-- the changes of a figure's member cells (and its identical published cell) per release
figure_changes as (
    select
        members.area_code,
        members.area_level,
        members.month,
        members.measure,
        cell_changes.source_updated_at,
        sum(cell_changes.value_change) filter (where not members.is_published) as value_change,
        sum(cell_changes.visible_change) filter (where not members.is_published) as visible_change,
        sum(cell_changes.value_change) filter (where members.is_published) as published_change,
        sum(cell_changes.visible_change) filter (where members.is_published) as published_visible_change,
        bool_or(cell_changes.is_sample_data) as is_sample_data
    from members
    inner join cell_changes
        on
            members.source_code = cell_changes.source_code
            and members.month = cell_changes.month
            and members.measure = cell_changes.measure
    group by
        members.area_code, members.area_level, members.month, members.measure, cell_changes.source_updated_at
),

-- running totals: the sum of the member cells and how many were visible as they stood in each release
combined as (
    select
        figure_changes.area_code,
        figure_changes.area_level,
        figure_changes.month,
        figure_changes.measure,
        figure_changes.source_updated_at,
        member_counts.member_count,
        figure_changes.is_sample_data,
        sum(coalesce(figure_changes.value_change, 0)) over figure as value_sum,
        sum(coalesce(figure_changes.visible_change, 0)) over figure as visible_members,
        sum(coalesce(figure_changes.published_change, 0)) over figure as published_value,
        sum(coalesce(figure_changes.published_visible_change, 0)) over figure as published_visible,
        count(*) over (
            partition by
                figure_changes.area_code, figure_changes.area_level, figure_changes.month, figure_changes.measure
            order by figure_changes.source_updated_at
            rows between unbounded preceding and unbounded following
        ) as figure_rows
    from figure_changes
    inner join member_counts
        on
            figure_changes.area_code = member_counts.area_code
            and figure_changes.area_level = member_counts.area_level
            and figure_changes.month = member_counts.month
            and figure_changes.measure = member_counts.measure
    window figure as (
        partition by figure_changes.area_code, figure_changes.area_level, figure_changes.month, figure_changes.measure
        order by figure_changes.source_updated_at
    )
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
        is_sample_data,
        figure_rows,
        -- an employment area: the identical published area's cell, else the sum of the visible members;
        -- a source area (a merged municipality) needs every member cell
        case
            when published_visible > 0 then published_value
            when area_level = 'employment_area' and visible_members > 0 then value_sum
            when visible_members = member_count then value_sum
        end as value,
        published_visible = 0
        and area_level = 'employment_area'
        and visible_members > 0
        and visible_members < member_count as is_lower_bound
    from combined
),

-- a release in which member cells changed but the figure did not (changes cancelling out, or only
-- members of an area that takes the published cell) is not a change of the figure; only figures
-- with several releases need looking at
labour_market_changes as (
    select * exclude (figure_rows) from labour_market_figures
    where figure_rows = 1
    union all
    select * exclude (figure_rows) from labour_market_figures
    where figure_rows > 1
    window figure as (partition by area_code, area_level, month, measure order by source_updated_at)
    qualify
        lag(source_updated_at) over figure is null
        or value is distinct from lag(value) over figure
        or is_lower_bound is distinct from lag(is_lower_bound) over figure
),

-- Kela's history holds changes only already (ingestion/figure_releases.py)
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
    select * from labour_market_changes
    union all by name
    select * from kela_figures
),

numbered as (
    select
        *,
        row_number() over figure as release_number,
        count(*) over (partition by area_code, month, measure, breakdown) as release_rows
    from unioned
    window figure as (partition by area_code, month, measure, breakdown order by source_updated_at)
)

select
    dataset::varchar as dataset,
    area_code::varchar as area_code,
    area_level::varchar as area_level,
    month::date as month,
    measure::varchar as measure,
    breakdown::varchar as breakdown,
    source_updated_at::timestamp as source_updated_at,
    value::double as value,
    is_lower_bound::boolean as is_lower_bound,
    release_number::integer as release_number,
    is_sample_data::boolean as is_sample_data,
    (value is null)::boolean as is_suppressed,
    (release_number = 1)::boolean as is_first_release,
    (release_number = release_rows)::boolean as is_latest_release
from numbered
