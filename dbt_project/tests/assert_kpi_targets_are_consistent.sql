-- Every KPI target a partner enters must make sense; returns one row per problem.
-- 1. Both dates are first days of months and the target date is after the baseline date.
-- 2. The target differs from the baseline and lies on the good side of it given the indicator's direction.
-- 3. Percentages lie between 0 and 100, counts and ratios are not negative.
with targets as (
    select * from {{ ref('kpi_targets') }}
),

indicators as (
    select * from {{ ref('dim_indicator') }}
)

select
    targets.area_code,
    targets.indicator_code,
    case
        when day(targets.baseline_month) != 1 or day(targets.target_month) != 1
            then 'baseline_month and target_month must be first days of months'
        when targets.target_month <= targets.baseline_month then 'target_month is not after baseline_month'
        when targets.target_value = targets.baseline_value then 'target_value equals baseline_value'
        when indicators.direction_sign != 0
            and sign(targets.target_value - targets.baseline_value) != indicators.direction_sign
            then 'target lies on the wrong side of the baseline for the indicator direction ' || indicators.direction
        when indicators.unit = 'percent' and not (targets.target_value between 0 and 100)
            then 'a percentage target outside 0-100'
        when targets.target_value < 0 or targets.baseline_value < 0 then 'a negative value'
    end as problem
from targets
inner join indicators on targets.indicator_code = indicators.indicator_code
where
    day(targets.baseline_month) != 1
    or day(targets.target_month) != 1
    or targets.target_month <= targets.baseline_month
    or targets.target_value = targets.baseline_value
    or (
        indicators.direction_sign != 0
        and sign(targets.target_value - targets.baseline_value) != indicators.direction_sign
    )
    or (indicators.unit = 'percent' and not (targets.target_value between 0 and 100))
    or targets.target_value < 0
    or targets.baseline_value < 0
