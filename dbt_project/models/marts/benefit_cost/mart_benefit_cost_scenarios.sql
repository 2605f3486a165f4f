-- What each scenario of the seed benefit_cost_scenarios changes in the funding-cost outlook: per scenario,
-- employment area, benefit regime and month 1–12 ahead, the total euros paid and municipal share of the
-- scenario against the baseline (both at the central rates, totals as in mart_benefit_cost_outlook), the
-- difference and its running sum over the horizon. Kela publishes no municipality split, so the municipality
-- rows are an estimate: the area's figures apportioned by each member municipality's share of the area's
-- long-term unemployed in the latest month both are known (fct_labour_market_monthly); is_apportioned says so.
with projection as (
    select * from {{ ref('int_benefit_cost__projection') }}
    where band = 'central' and horizon >= 1
),

runs as (
    select
        scenario,
        area_code,
        benefit_regime,
        jump_off_month,
        horizon,
        month,
        sum(euros_paid) * max(total_to_class_euros) as euros_paid,
        sum(municipal_share_eur) * max(total_to_class_municipal_share) as municipal_share_eur
    from projection
    group by scenario, area_code, benefit_regime, jump_off_month, horizon, month
),

areas as (
    select
        scenario_run.scenario,
        'employment_area' as area_level,
        scenario_run.area_code,
        scenario_run.area_code as employment_area_code,
        scenario_run.benefit_regime,
        scenario_run.jump_off_month,
        scenario_run.horizon,
        scenario_run.month,
        1.0 as apportion_share,
        baseline.euros_paid as baseline_euros_paid,
        scenario_run.euros_paid as scenario_euros_paid,
        baseline.municipal_share_eur as baseline_municipal_share_eur,
        scenario_run.municipal_share_eur as scenario_municipal_share_eur
    from runs as scenario_run
    inner join runs as baseline
        on
            scenario_run.area_code = baseline.area_code
            and scenario_run.benefit_regime = baseline.benefit_regime
            and scenario_run.horizon = baseline.horizon
            and baseline.scenario = 'baseline'
    where scenario_run.scenario != 'baseline'
),

long_term as (
    select
        labour.area_code,
        labour.month,
        dim_area.employment_area_code,
        labour.long_term_unemployed
    from {{ ref('fct_labour_market_monthly') }} as labour
    inner join {{ ref('dim_area') }} as dim_area on labour.area_code = dim_area.area_code
    where labour.area_level = 'municipality' and labour.long_term_unemployed is not null
),

latest_long_term as (
    select
        employment_area_code,
        max(month) as month
    from long_term
    group by employment_area_code
),

municipal_shares as (
    select
        long_term.area_code,
        long_term.employment_area_code,
        long_term.long_term_unemployed
        / nullif(sum(long_term.long_term_unemployed) over (partition by long_term.employment_area_code), 0)
            as apportion_share
    from long_term
    inner join latest_long_term
        on
            long_term.employment_area_code = latest_long_term.employment_area_code
            and long_term.month = latest_long_term.month
),

municipalities as (
    select
        areas.scenario,
        'municipality' as area_level,
        municipal_shares.area_code,
        areas.employment_area_code,
        areas.benefit_regime,
        areas.jump_off_month,
        areas.horizon,
        areas.month,
        municipal_shares.apportion_share,
        areas.baseline_euros_paid * municipal_shares.apportion_share as baseline_euros_paid,
        areas.scenario_euros_paid * municipal_shares.apportion_share as scenario_euros_paid,
        areas.baseline_municipal_share_eur * municipal_shares.apportion_share as baseline_municipal_share_eur,
        areas.scenario_municipal_share_eur * municipal_shares.apportion_share as scenario_municipal_share_eur
    from areas
    inner join municipal_shares on areas.employment_area_code = municipal_shares.employment_area_code
),

both_levels as (
    select * from areas
    union all
    select * from municipalities
),

-- One text per scenario and language for the report: the rows of a scenario act together, so their
-- descriptions are joined; a blank Swedish or English text falls back to the Finnish one, a blank Finnish
-- text to the scenario's name.
descriptions as (
    select
        scenario,
        coalesce(string_agg(distinct description_fi, '; ' order by description_fi), scenario) as description_fi,
        string_agg(distinct description_sv, '; ' order by description_sv) as description_sv,
        string_agg(distinct description_en, '; ' order by description_en) as description_en
    from {{ ref('benefit_cost_scenarios') }}
    group by scenario
),

described as (
    select
        both_levels.*,
        descriptions.description_fi,
        coalesce(descriptions.description_sv, descriptions.description_fi) as description_sv,
        coalesce(descriptions.description_en, descriptions.description_fi) as description_en
    from both_levels
    left join descriptions on both_levels.scenario = descriptions.scenario
)

select
    cast(scenario as varchar) as scenario,
    cast(description_fi as varchar) as scenario_description_fi,
    cast(description_sv as varchar) as scenario_description_sv,
    cast(description_en as varchar) as scenario_description_en,
    cast(area_level as varchar) as area_level,
    cast(area_code as varchar) as area_code,
    cast(employment_area_code as varchar) as employment_area_code,
    cast(benefit_regime as varchar) as benefit_regime,
    cast(jump_off_month as date) as jump_off_month,
    cast(horizon as integer) as horizon,
    cast(month as date) as month,
    cast(area_level = 'municipality' as boolean) as is_apportioned,
    cast(apportion_share as double) as apportion_share,
    cast(baseline_euros_paid as double) as baseline_euros_paid,
    cast(scenario_euros_paid as double) as scenario_euros_paid,
    cast(scenario_euros_paid - baseline_euros_paid as double) as euros_paid_difference,
    cast(baseline_municipal_share_eur as double) as baseline_municipal_share_eur,
    cast(scenario_municipal_share_eur as double) as scenario_municipal_share_eur,
    cast(scenario_municipal_share_eur - baseline_municipal_share_eur as double) as municipal_share_difference,
    cast(
        sum(scenario_municipal_share_eur - baseline_municipal_share_eur) over (
            partition by scenario, area_level, area_code, benefit_regime order by horizon
        ) as double
    ) as municipal_share_difference_cumulative
from described
