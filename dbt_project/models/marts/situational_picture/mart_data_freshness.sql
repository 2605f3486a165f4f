-- Freshness of every dataset the pipeline reads: what version is in use, when it was released and
-- fetched, its latest period, the expected next release (seed dataset_release_schedule), its age at
-- build time, and whether it is stale (the last attempt failed or nothing has landed) or overdue.
-- A dataset with no good version yet (landing_version NULL) is staged as an empty file so the build
-- goes on; is_available = false is what tells "not yet available" from "no rows".
with status as (
    select * from {{ ref('stg_pipeline__dataset_status') }}
),

schedule as (
    select * from {{ ref('dataset_release_schedule') }}
),

parsed as (
    select
        status.*,
        schedule.period_type,
        schedule.release_lag_days,
        schedule.grace_days,
        schedule.source is not null as has_release_schedule,
        -- 2026M10 → 2026-10-01, 2026Q2 → 2026-04-01, 2025 → 2025-01-01, 2026-01-01 as is
        case
            when regexp_full_match(status.latest_period, '\d{4}M\d{2}')
                then make_date(
                        cast(left(status.latest_period, 4) as integer),
                        cast(right(status.latest_period, 2) as integer),
                        1
                    )
            when regexp_full_match(status.latest_period, '\d{4}Q\d')
                then make_date(
                        cast(left(status.latest_period, 4) as integer),
                        3 * cast(right(status.latest_period, 1) as integer) - 2,
                        1
                    )
            when regexp_full_match(status.latest_period, '\d{4}')
                then make_date(cast(status.latest_period as integer), 1, 1)
            else try_cast(status.latest_period as date)
        end as latest_period_start
    from status
    left join schedule on status.source = schedule.source and status.dataset = schedule.dataset
),

scheduled as (
    select
        *,
        -- the next period ends one period after the latest one ends; its release follows by the lag
        case period_type
            when 'month' then latest_period_start + interval 2 month - interval 1 day
            when 'quarter' then latest_period_start + interval 6 month - interval 1 day
            when 'year' then latest_period_start + interval 2 year - interval 1 day
            -- a classification version valid from latest_period_start: the next is valid a year later
            when 'annual_version' then latest_period_start + interval 1 year
        end + to_days(release_lag_days) as expected_next_release
    from parsed
)

select
    cast(source as varchar) as source,  -- noqa: RF04
    cast(dataset as varchar) as dataset,
    cast(source_table as varchar) as source_table,
    cast(landing_version as varchar) as landing_version,
    cast(source_updated as timestamp) as source_updated_at,
    cast(fetched_at as timestamp) as fetched_at,
    cast(last_attempt_at as timestamp) as last_attempt_at,
    cast(last_attempt_status as varchar) as last_attempt_status,
    cast(last_error as varchar) as last_error,
    cast(latest_period as varchar) as latest_period,
    cast(latest_period_start as date) as latest_period_start,
    cast(period_type as varchar) as period_type,
    cast(expected_next_release as date) as expected_next_release,
    cast(cast(expected_next_release as date) + to_days(grace_days) as date) as overdue_after,
    cast(date_diff('day', source_updated, cast(current_timestamp as timestamp)) as integer) as age_days,
    cast(date_diff('day', fetched_at, cast(current_timestamp as timestamp)) as integer) as days_since_fetch,
    cast(
        coalesce(current_date > cast(expected_next_release as date) + to_days(grace_days), false) as boolean
    ) as is_overdue,
    cast(is_stale or landing_version is null as boolean) as is_stale,
    cast(landing_version is not null as boolean) as is_available,
    cast(has_release_schedule as boolean) as has_release_schedule,
    cast(current_timestamp as timestamp) as checked_at,
    cast(data_note as varchar) as data_note,
    cast(is_sample_data as boolean) as is_sample_data
from scheduled
