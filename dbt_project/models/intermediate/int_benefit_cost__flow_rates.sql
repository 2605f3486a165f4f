-- Monthly flow rates between accumulated-days classes, estimated from successive months' class stocks of
-- Kela's co-financed benefit per employment area and benefit regime. Kela publishes aggregate stocks, not
-- individual moves, so the rates rest on two stated assumptions:
--   transition rate q(k, t) = paid days per recipient in class k in month t ÷ the class width in days (the
--     recipients spread evenly over the class, so that share of them crosses its upper bound in a month);
--     0 for the open-ended top class;
--   exit rate e(k, t) = 1 − q(k, t) − (S(k, t+1) − q(k−1, t) · S(k−1, t)) ÷ S(k, t), the share of the stock
--     that neither stayed nor moved up, by stock balance. For the lowest class nobody comes from below but new
--     recipients arrive, so its exit rate is net of new entrants (exits − entries) and may be negative.
-- The merged benefits (Työmarkkinatuki + Peruspäiväraha → Yleistuki, 1.5.2026) are summed into one regime
-- series; the month pair across the reform is not used (the reform, not the flows, moves the stocks then),
-- nor a pair ending in a provisional month (Kela still adds retroactive recipients to those).
with ledger as (
    select * from {{ ref('fct_benefit_cost_monthly') }}
    where is_class_parsed
),

stocks as (
    select
        area_code,
        benefit_regime,
        month,
        days_class,
        min(class_lower_days) as class_lower_days,
        max(class_upper_days) as class_upper_days,
        bool_or(is_after_reform) as is_after_reform,
        bool_or(is_provisional) as is_provisional,
        sum(recipients) as recipients,
        sum(compensated_days) as compensated_days
    from ledger
    group by area_code, benefit_regime, month, days_class
),

transitions as (
    select
        *,
        case
            when class_upper_days is null then 0.0
            else least(1.0, compensated_days / nullif(recipients, 0) / (class_upper_days - class_lower_days + 1))
        end as transition_rate
    from stocks
),

neighbours as (
    select
        *,
        row_number() over same_month as class_order,
        lag(recipients) over same_month as lower_recipients,
        lag(transition_rate) over same_month as lower_transition_rate,
        lead(month) over same_class as next_month,
        lead(recipients) over same_class as next_recipients,
        lead(is_after_reform) over same_class as next_is_after_reform,
        lead(is_provisional) over same_class as next_is_provisional
    from transitions
    window
        same_month as (partition by area_code, benefit_regime, month order by class_lower_days),
        same_class as (partition by area_code, benefit_regime, days_class order by month)
)

select
    cast(area_code as varchar) as area_code,
    cast(benefit_regime as varchar) as benefit_regime,
    cast(days_class as varchar) as days_class,
    cast(class_order as integer) as class_order,
    cast(class_lower_days as integer) as class_lower_days,
    cast(class_upper_days as integer) as class_upper_days,
    cast(month as date) as month,
    cast(recipients as double) as recipients,
    cast(next_recipients as double) as next_recipients,
    cast(transition_rate as double) as transition_rate,
    cast(
        1.0 - transition_rate
        - (next_recipients - coalesce(lower_transition_rate * lower_recipients, 0.0)) / nullif(recipients, 0)
        as double
    ) as exit_rate,
    cast(class_order = 1 as boolean) as exit_rate_is_net_of_entries,
    cast(
        coalesce(
            next_month = month + interval 1 month
            and next_is_after_reform = is_after_reform
            and not next_is_provisional
            and recipients > 0,
            false
        ) as boolean
    ) as is_usable
from neighbours
