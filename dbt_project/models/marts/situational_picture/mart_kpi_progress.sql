-- Progress towards the partners' KPI targets (seed kpi_targets), month by month from the baseline to
-- the later of the target month and the latest data: the actual value, the straight-line trajectory
-- from baseline to target, and a status by the rule in the YAML description.
{%- set at_risk_tolerance = 0.25 %}

with targets as (
    select * from {{ ref('kpi_targets') }}
),

picture as (
    select * from {{ ref('mart_situational_picture') }}
),

latest_month as (
    select max(month) as month from picture
),

target_months as (
    select
        targets.*,
        cast(months.month_start as date) as month
    from targets
    cross join latest_month
    cross join generate_series(
        targets.baseline_month, greatest(targets.target_month, latest_month.month), interval 1 month
    ) as months (month_start)
),

measured as (
    select
        target_months.*,
        picture.is_sample_data,
        -- share of the baseline-to-target time elapsed by this month, at most 1 after the target month
        least(
            date_diff('month', target_months.baseline_month, target_months.month)
            / date_diff('month', target_months.baseline_month, target_months.target_month),
            1.0
        ) as elapsed_share,
        case target_months.value_basis
            when 'month_value' then picture.value
            when 'rolling_12m_average' then picture.rolling_12m_average
        end as actual_value,
        case target_months.value_basis
            when 'month_value' then picture.is_lower_bound
            when 'rolling_12m_average' then picture.rolling_12m_is_lower_bound
        end as actual_is_lower_bound
    from target_months
    left join picture
        on
            target_months.area_code = picture.area_code
            and target_months.indicator_code = picture.indicator_code
            and target_months.month = picture.month
),

scored as (
    select
        *,
        baseline_value + (target_value - baseline_value) * elapsed_share as expected_value,
        (actual_value - baseline_value) / (target_value - baseline_value) as achieved_share,
        case
            when actual_value is null then null
            when (actual_value - baseline_value) / (target_value - baseline_value) >= elapsed_share
                then 'on_track'
            when (actual_value - baseline_value) / (target_value - baseline_value)
                >= elapsed_share - {{ at_risk_tolerance }}
                then 'at_risk'
            else 'off_track'
        end as status
    from measured
),

with_history as (
    select
        *,
        lag(status) over (partition by area_code, indicator_code order by month) as previous_status,
        month = max(month) filter (where actual_value is not null) over (
            partition by area_code, indicator_code
        ) as is_latest_actual
    from scored
)

select
    cast(area_code as varchar) as area_code,
    cast(indicator_code as varchar) as indicator_code,
    cast(month as date) as month,
    cast(value_basis as varchar) as value_basis,
    cast(baseline_month as date) as baseline_month,
    cast(baseline_value as double) as baseline_value,
    cast(target_month as date) as target_month,
    cast(target_value as double) as target_value,
    cast(elapsed_share as double) as elapsed_share,
    cast(expected_value as double) as expected_value,
    cast(actual_value as double) as actual_value,
    cast(coalesce(actual_is_lower_bound, false) as boolean) as actual_is_lower_bound,
    cast(actual_value - expected_value as double) as gap_to_expected,
    cast(achieved_share as double) as achieved_share,
    cast(status as varchar) as status,
    cast(previous_status as varchar) as previous_status,
    cast(coalesce(is_latest_actual, false) as boolean) as is_latest_actual,
    cast(owner as varchar) as owner,  -- noqa: RF04
    cast(note as varchar) as note,
    cast(is_example as boolean) as is_example,
    cast(is_sample_data as boolean) as is_sample_data
from with_history
