-- The typical revision of a figure, per dataset, measure, breakdown and area: over the figures
-- published in at least two releases (mart_revisions), how many were revised and by how much
-- (median and mean absolute revision, in units and in per cent of the first value; mean signed
-- revision shows whether first releases run low or high).
with revisions as (
    select * from {{ ref('mart_revisions') }}
)

select
    cast(dataset as varchar) as dataset,
    cast(measure as varchar) as measure,
    cast(breakdown as varchar) as breakdown,
    cast(area_code as varchar) as area_code,
    cast(area_level as varchar) as area_level,
    cast(count(*) as integer) as figure_count,
    cast(count(*) filter (where is_revised) as integer) as revised_count,
    cast(100.0 * count(*) filter (where is_revised) / count(*) as double) as revised_share_pct,
    cast(median(abs_revision) as double) as median_abs_revision,
    cast(median(abs(revision_pct)) as double) as median_abs_revision_pct,
    cast(median(abs_revision) filter (where is_revised) as double) as median_abs_revision_when_revised,
    cast(avg(abs_revision) as double) as mean_abs_revision,
    cast(avg(revision) as double) as mean_revision,
    cast(max(abs_revision) as double) as max_abs_revision,
    cast(min(month) as date) as first_month,
    cast(max(month) as date) as last_month,
    cast(bool_or(is_sample_data) as boolean) as is_sample_data
from revisions
group by dataset, measure, breakdown, area_code, area_level
