-- The flow-model projection of Kela's co-financed benefit, 0–12 months ahead, per employment area, benefit
-- regime, run and accumulated-days class. One step: S(k, h+1) = S(k, h) · (1 − e(k) − q(k)) + q(k−1) · S(k−1, h),
-- never below zero, from the stocks of the latest month (horizon 0), with the rates held constant.
-- The central rates are the stock-weighted means of the monthly rates over the estimation window (a pooled
-- ratio: a median of monthly ratios drifts even on a flat series). A scenario (seed benefit_cost_scenarios)
-- adds its percentage points to them. The 80 % band at horizon H is its own path with every rate moved by
-- (90th − 50th percentile of the monthly rates) / √H — exits up and transitions down for 'low', the reverse for
-- 'high' — i.e. the spread of an H-month average of rates that vary independently from month to month around
-- their mean; seasonality in the rates and the uncertainty of the mean itself are not in the band.
-- Each class is priced with its paid days per recipient, euros per paid day and effective municipal share
-- measured over the latest months of the regime on the same side of the 1.5.2026 reform as the latest month;
-- the ratios of Kela's Yhteensä row to the class sums over those months let the marts turn class sums into
-- totals.
{%- set window_pairs = var('benefit_cost_rate_window_pairs') %}
{%- set pricing_months = var('benefit_cost_pricing_months') %}
{%- set horizon = var('benefit_cost_horizon_months') %}

with recursive rates as (
    select * from {{ ref('int_benefit_cost__flow_rates') }}
),

ledger as (
    select * from {{ ref('fct_benefit_cost_monthly') }}
),

scenarios as (
    select * from {{ ref('benefit_cost_scenarios') }}
),

recent_rates as (
    select
        *,
        row_number() over (partition by area_code, benefit_regime, days_class order by month desc) as recency
    from rates
    where is_usable
),

rate_summary as (
    select
        area_code,
        benefit_regime,
        days_class,
        count(*) as rate_pairs,
        sum(transition_rate * recipients) / nullif(sum(recipients), 0) as transition_mean,
        quantile_cont(transition_rate, 0.5) - quantile_cont(transition_rate, 0.1) as transition_spread_down,
        quantile_cont(transition_rate, 0.9) - quantile_cont(transition_rate, 0.5) as transition_spread_up,
        sum(exit_rate * recipients) / nullif(sum(recipients), 0) as exit_mean,
        quantile_cont(exit_rate, 0.5) - quantile_cont(exit_rate, 0.1) as exit_spread_down,
        quantile_cont(exit_rate, 0.9) - quantile_cont(exit_rate, 0.5) as exit_spread_up
    from recent_rates
    where recency <= {{ window_pairs }}
    group by area_code, benefit_regime, days_class
),

latest as (
    select
        area_code,
        benefit_regime,
        max(month) as month,
        arg_max(is_after_reform, month) as is_after_reform
    from ledger
    group by area_code, benefit_regime
),

regime_months as (
    select
        ledger.area_code,
        ledger.benefit_regime,
        ledger.month,
        dense_rank() over (partition by ledger.area_code, ledger.benefit_regime order by ledger.month desc) as recency
    from ledger
    inner join latest
        on
            ledger.area_code = latest.area_code
            and ledger.benefit_regime = latest.benefit_regime
            and ledger.is_after_reform = latest.is_after_reform
),

pricing_rows as (
    select ledger.*
    from ledger
    inner join regime_months
        on
            ledger.area_code = regime_months.area_code
            and ledger.benefit_regime = regime_months.benefit_regime
            and ledger.month = regime_months.month
    where regime_months.recency <= {{ pricing_months }}
),

prices as (
    select
        area_code,
        benefit_regime,
        days_class,
        sum(compensated_days) / nullif(sum(recipients), 0) as paid_days_per_recipient,
        sum(euros_paid) / nullif(sum(compensated_days), 0) as euros_per_paid_day,
        sum(municipal_share_eur) / nullif(sum(euros_paid), 0) as effective_municipal_share
    from pricing_rows
    where is_class_parsed
    group by area_code, benefit_regime, days_class
),

calibration as (
    select
        area_code,
        benefit_regime,
        sum(recipients) filter (where is_total_class)
        / nullif(sum(recipients) filter (where is_class_parsed), 0) as total_to_class_recipients,
        sum(euros_paid) filter (where is_total_class)
        / nullif(sum(euros_paid) filter (where is_class_parsed), 0) as total_to_class_euros,
        sum(municipal_share_eur) filter (where is_total_class)
        / nullif(sum(municipal_share_eur) filter (where is_class_parsed), 0) as total_to_class_municipal_share
    from pricing_rows
    group by area_code, benefit_regime
),

jump_off as (
    select
        rates.area_code,
        rates.benefit_regime,
        rates.month,
        rates.days_class,
        rates.class_order,
        rates.class_lower_days,
        rates.class_upper_days,
        rates.recipients,
        rates.class_upper_days is null as is_top_class
    from rates
    inner join latest
        on
            rates.area_code = latest.area_code
            and rates.benefit_regime = latest.benefit_regime
            and rates.month = latest.month
),

runs as (
    select
        'baseline' as scenario,
        'central' as band,
        {{ horizon }} as path_horizon
    union all
    select
        'baseline' as scenario,
        bands.band,
        paths.path_horizon
    from (values ('low'), ('high')) as bands (band)
    cross join range(1, {{ horizon }} + 1) as paths (path_horizon)
    union all
    select distinct
        scenario,
        'central' as band,
        {{ horizon }} as path_horizon
    from scenarios
),

changes as (
    select
        runs.scenario,
        runs.band,
        runs.path_horizon,
        jump_off.area_code,
        jump_off.benefit_regime,
        jump_off.days_class,
        coalesce(sum(scenarios.change_points) filter (where scenarios.parameter = 'transition_rate'), 0)
        / 100.0 as transition_change,
        coalesce(sum(scenarios.change_points) filter (where scenarios.parameter = 'exit_rate'), 0)
        / 100.0 as exit_change
    from runs
    cross join jump_off
    left join scenarios
        on
            runs.scenario = scenarios.scenario
            and (scenarios.area_code is null or jump_off.area_code = scenarios.area_code)
            and (scenarios.days_class is null or jump_off.days_class = scenarios.days_class)
            and (scenarios.days_from is null or jump_off.class_lower_days >= scenarios.days_from)
            and (scenarios.days_to is null or jump_off.class_upper_days <= scenarios.days_to)
    group by
        runs.scenario, runs.band, runs.path_horizon, jump_off.area_code, jump_off.benefit_regime, jump_off.days_class
),

run_rates as (
    select
        changes.scenario,
        changes.band,
        changes.path_horizon,
        jump_off.area_code,
        jump_off.benefit_regime,
        jump_off.month as jump_off_month,
        jump_off.days_class,
        jump_off.class_order,
        jump_off.recipients,
        jump_off.is_top_class,
        rate_summary.rate_pairs,
        rate_summary.transition_mean + changes.transition_change
        + case changes.band
            when 'low' then -rate_summary.transition_spread_down
            when 'high' then rate_summary.transition_spread_up
            else 0.0
        end / sqrt(changes.path_horizon) as transition_rate_raw,
        rate_summary.exit_mean + changes.exit_change
        + case changes.band
            when 'low' then rate_summary.exit_spread_up
            when 'high' then -rate_summary.exit_spread_down
            else 0.0
        end / sqrt(changes.path_horizon) as exit_rate_raw
    from changes
    inner join jump_off
        on
            changes.area_code = jump_off.area_code
            and changes.benefit_regime = jump_off.benefit_regime
            and changes.days_class = jump_off.days_class
    left join rate_summary
        on
            jump_off.area_code = rate_summary.area_code
            and jump_off.benefit_regime = rate_summary.benefit_regime
            and jump_off.days_class = rate_summary.days_class
),

bounded_rates as (
    select
        *,
        case when is_top_class then 0.0 else least(1.0, greatest(0.0, transition_rate_raw)) end as transition_rate,
        least(1.0, exit_rate_raw) as exit_rate
    from run_rates
),

starts as (
    select
        scenario,
        band,
        path_horizon,
        area_code,
        benefit_regime,
        jump_off_month,
        list(days_class order by class_order) as classes,
        list(rate_pairs order by class_order) as pairs,
        list(cast(transition_rate as double) order by class_order) as q,
        list(cast(exit_rate as double) order by class_order) as e,
        list(cast(recipients as double) order by class_order) as s
    from bounded_rates
    group by scenario, band, path_horizon, area_code, benefit_regime, jump_off_month
),

projection as (
    select
        scenario,
        band,
        path_horizon,
        area_code,
        benefit_regime,
        jump_off_month,
        classes,
        pairs,
        q,
        e,
        s,
        0 as horizon
    from starts
    union all
    select
        scenario,
        band,
        path_horizon,
        area_code,
        benefit_regime,
        jump_off_month,
        classes,
        pairs,
        q,
        e,
        list_transform(
            range(1, len(s) + 1),
            lambda i: greatest(0.0, s[i] * (1.0 - e[i] - q[i]) + case when i > 1 then q[i - 1] * s[i - 1] else 0.0 end)
        ) as s,
        horizon + 1 as horizon
    from projection
    where horizon < path_horizon
),

class_rows as (
    select
        scenario,
        band,
        area_code,
        benefit_regime,
        jump_off_month,
        horizon,
        unnest(classes) as days_class,
        unnest(range(1, len(classes) + 1)) as class_order,
        unnest(pairs) as rate_pairs,
        unnest(q) as transition_rate,
        unnest(e) as exit_rate,
        unnest(s) as recipients
    from projection
    where band = 'central' or horizon = path_horizon
)

select
    cast(class_rows.scenario as varchar) as scenario,
    cast(class_rows.band as varchar) as band,
    cast(class_rows.area_code as varchar) as area_code,
    cast(class_rows.benefit_regime as varchar) as benefit_regime,
    cast(class_rows.jump_off_month as date) as jump_off_month,
    cast(class_rows.horizon as integer) as horizon,
    cast(class_rows.jump_off_month + to_months(class_rows.horizon) as date) as month,
    cast(class_rows.days_class as varchar) as days_class,
    cast(class_rows.class_order as integer) as class_order,
    cast(class_rows.rate_pairs as integer) as rate_pairs,
    cast(class_rows.transition_rate as double) as transition_rate,
    cast(class_rows.exit_rate as double) as exit_rate,
    cast(class_rows.recipients as double) as recipients,
    cast(prices.paid_days_per_recipient as double) as paid_days_per_recipient,
    cast(prices.euros_per_paid_day as double) as euros_per_paid_day,
    cast(prices.effective_municipal_share as double) as effective_municipal_share,
    cast(class_rows.recipients * prices.paid_days_per_recipient * prices.euros_per_paid_day as double)
        as euros_paid,
    cast(
        class_rows.recipients * prices.paid_days_per_recipient * prices.euros_per_paid_day
        * prices.effective_municipal_share as double
    ) as municipal_share_eur,
    cast(calibration.total_to_class_recipients as double) as total_to_class_recipients,
    cast(calibration.total_to_class_euros as double) as total_to_class_euros,
    cast(calibration.total_to_class_municipal_share as double) as total_to_class_municipal_share
from class_rows
left join prices
    on
        class_rows.area_code = prices.area_code
        and class_rows.benefit_regime = prices.benefit_regime
        and class_rows.days_class = prices.days_class
left join calibration
    on
        class_rows.area_code = calibration.area_code
        and class_rows.benefit_regime = calibration.benefit_regime
