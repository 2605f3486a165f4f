-- Kela's class rows against its own Yhteensä row, per employment area, month and benefit, and the same summed
-- over the employment areas per month and benefit (country rows), with the pooled small groups beside them
-- (areas' totals + pooled groups = the dataset's whole-country figure). The gaps are measured and reported,
-- never assumed away: a person can be in several classes within a month, so recipients (and in the sample also
-- days and euros) of the classes add up to more than the total. No whole-country Kela dataset is loaded, so the
-- country level has only the areas' sum and the pooled rows, no published total to compare with.
with ledger as (
    select * from {{ ref('fct_benefit_cost_monthly') }}
),

pooled as (
    select
        month,
        benefit,
        sum(euros_paid) as euros_paid
    from {{ ref('stg_kela__unemployment_benefit') }}
    where area_code is null and is_total_class
    group by month, benefit
),

per_area as (
    select
        area_code,
        month,
        benefit,
        count(*) filter (where not is_total_class) as class_count,
        sum(recipients) filter (where is_total_class) as total_recipients,
        sum(recipients) filter (where not is_total_class) as class_sum_recipients,
        sum(compensated_days) filter (where is_total_class) as total_compensated_days,
        sum(compensated_days) filter (where not is_total_class) as class_sum_compensated_days,
        sum(euros_paid) filter (where is_total_class) as total_euros_paid,
        sum(euros_paid) filter (where not is_total_class) as class_sum_euros_paid,
        sum(municipal_share_eur) filter (where is_total_class) as total_municipal_share_eur,
        sum(municipal_share_eur) filter (where not is_total_class) as class_sum_municipal_share_eur,
        count(*) filter (where municipal_share_eur > euros_paid) as rows_share_above_paid
    from ledger
    group by area_code, month, benefit
),

all_areas as (
    select
        'SSS' as area_code,
        per_area.month,
        per_area.benefit,
        max(per_area.class_count) as class_count,
        sum(per_area.total_recipients) as total_recipients,
        sum(per_area.class_sum_recipients) as class_sum_recipients,
        sum(per_area.total_compensated_days) as total_compensated_days,
        sum(per_area.class_sum_compensated_days) as class_sum_compensated_days,
        sum(per_area.total_euros_paid) as total_euros_paid,
        sum(per_area.class_sum_euros_paid) as class_sum_euros_paid,
        sum(per_area.total_municipal_share_eur) as total_municipal_share_eur,
        sum(per_area.class_sum_municipal_share_eur) as class_sum_municipal_share_eur,
        sum(per_area.rows_share_above_paid) as rows_share_above_paid,
        coalesce(any_value(pooled.euros_paid), 0) as pooled_euros_paid
    from per_area
    left join pooled on per_area.month = pooled.month and per_area.benefit = pooled.benefit
    group by per_area.month, per_area.benefit
),

both_levels as (
    select
        'employment_area' as area_level,
        *,
        cast(null as double) as pooled_euros_paid
    from per_area
    union all
    select
        'country' as area_level,
        *
    from all_areas
)

select
    cast(area_level as varchar) as area_level,
    cast(area_code as varchar) as area_code,
    cast(month as date) as month,
    cast(benefit as varchar) as benefit,
    cast(class_count as integer) as class_count,
    cast(total_recipients as bigint) as total_recipients,
    cast(class_sum_recipients as bigint) as class_sum_recipients,
    cast(class_sum_recipients / nullif(total_recipients, 0) as double) as recipients_class_ratio,
    cast(total_compensated_days as bigint) as total_compensated_days,
    cast(class_sum_compensated_days as bigint) as class_sum_compensated_days,
    cast(class_sum_compensated_days / nullif(total_compensated_days, 0) as double) as days_class_ratio,
    cast(total_euros_paid as double) as total_euros_paid,
    cast(class_sum_euros_paid as double) as class_sum_euros_paid,
    cast(class_sum_euros_paid - total_euros_paid as double) as euros_paid_gap,
    cast(class_sum_euros_paid / nullif(total_euros_paid, 0) as double) as euros_class_ratio,
    cast(total_municipal_share_eur as double) as total_municipal_share_eur,
    cast(class_sum_municipal_share_eur as double) as class_sum_municipal_share_eur,
    cast(class_sum_municipal_share_eur - total_municipal_share_eur as double) as municipal_share_gap,
    cast(total_municipal_share_eur / nullif(total_euros_paid, 0) as double) as total_effective_municipal_share,
    cast(pooled_euros_paid as double) as pooled_euros_paid,
    cast(abs(class_sum_euros_paid - total_euros_paid) <= 0.005 * class_count as boolean) as is_euros_additive,
    cast(rows_share_above_paid as integer) as rows_share_above_paid
from both_levels
