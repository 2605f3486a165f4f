-- How much each figure moved between its first and its latest release: one row per area, month,
-- measure and breakdown published in at least two releases (only those could be revised).
-- release_count counts the dataset's releases since the figure's first (a release re-publishing it
-- unchanged counts too); change_count the releases that changed it.
with figure_releases as (
    select * from {{ ref('fct_figure_releases') }}
),

dataset_releases as (
    select distinct
        dataset,
        source_updated_at
    from {{ ref('stg_statfin__labour_market_releases') }}
    union
    select distinct
        dataset,
        source_updated_at
    from {{ ref('stg_kela__unemployment_benefit_releases') }}
),

figures as (
    select
        dataset,
        area_code,
        area_level,
        month,
        measure,
        breakdown,
        min(source_updated_at) as first_release,
        max(source_updated_at) as latest_release,
        max(value) filter (where is_first_release) as first_value,
        bool_or(is_lower_bound) filter (where is_first_release) as first_is_lower_bound,
        max(value) filter (where is_latest_release) as latest_value,
        bool_or(is_lower_bound) filter (where is_latest_release) as latest_is_lower_bound,
        count(*) - 1 as change_count,
        bool_or(is_sample_data) as is_sample_data
    from figure_releases
    group by dataset, area_code, area_level, month, measure, breakdown
),

counted as (
    select
        figures.*,
        count(*) as release_count
    from figures
    inner join dataset_releases
        on
            figures.dataset = dataset_releases.dataset
            and figures.first_release <= dataset_releases.source_updated_at
    group by all
)

select
    cast(dataset as varchar) as dataset,
    cast(area_code as varchar) as area_code,
    cast(area_level as varchar) as area_level,
    cast(month as date) as month,
    cast(measure as varchar) as measure,
    cast(breakdown as varchar) as breakdown,
    cast(first_release as timestamp) as first_release,
    cast(first_value as double) as first_value,
    cast(first_is_lower_bound as boolean) as first_is_lower_bound,
    cast(latest_release as timestamp) as latest_release,
    cast(latest_value as double) as latest_value,
    cast(latest_is_lower_bound as boolean) as latest_is_lower_bound,
    cast(release_count as integer) as release_count,
    cast(change_count as integer) as change_count,
    cast(latest_value - first_value as double) as revision,
    cast(abs(latest_value - first_value) as double) as abs_revision,
    cast(100.0 * (latest_value - first_value) / nullif(abs(first_value), 0) as double) as revision_pct,
    cast(latest_value is distinct from first_value as boolean) as is_revised,
    cast(is_sample_data as boolean) as is_sample_data
from counted
where release_count >= 2
