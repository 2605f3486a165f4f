-- The baseline funding-cost outlook 1–12 months ahead per employment area, benefit regime and accumulated-days
-- class, with the 80 % band, plus a total row (Yhteensä) per area, regime and month. Classes come from the
-- flow model (int_benefit_cost__projection); the total converts the class sums with the ratio of Kela's
-- Yhteensä row to the class sums measured over the pricing months, since Kela's classes overlap.
with projection as (
    select * from {{ ref('int_benefit_cost__projection') }}
    where scenario = 'baseline' and horizon >= 1
),

classes as (
    select
        area_code,
        benefit_regime,
        jump_off_month,
        horizon,
        month,
        days_class,
        false as is_total_class,
        class_order,
        max(rate_pairs) as rate_pairs,
        max(transition_rate) filter (where band = 'central') as transition_rate,
        max(exit_rate) filter (where band = 'central') as exit_rate,
        max(paid_days_per_recipient) as paid_days_per_recipient,
        max(euros_per_paid_day) as euros_per_paid_day,
        max(effective_municipal_share) as effective_municipal_share,
        max(recipients) filter (where band = 'central') as recipients,
        min(recipients) as recipients_lower,
        max(recipients) as recipients_upper,
        max(euros_paid) filter (where band = 'central') as euros_paid,
        min(euros_paid) as euros_paid_lower,
        max(euros_paid) as euros_paid_upper,
        max(municipal_share_eur) filter (where band = 'central') as municipal_share_eur,
        min(municipal_share_eur) as municipal_share_eur_lower,
        max(municipal_share_eur) as municipal_share_eur_upper
    from projection
    group by area_code, benefit_regime, jump_off_month, horizon, month, days_class, class_order
),

band_totals as (
    select
        area_code,
        benefit_regime,
        jump_off_month,
        horizon,
        month,
        band,
        sum(recipients) * max(total_to_class_recipients) as recipients,
        sum(euros_paid) * max(total_to_class_euros) as euros_paid,
        sum(municipal_share_eur) * max(total_to_class_municipal_share) as municipal_share_eur
    from projection
    group by area_code, benefit_regime, jump_off_month, horizon, month, band
),

totals as (
    select
        area_code,
        benefit_regime,
        jump_off_month,
        horizon,
        month,
        'Yhteensä' as days_class,
        true as is_total_class,
        cast(null as integer) as class_order,
        cast(null as bigint) as rate_pairs,
        cast(null as double) as transition_rate,
        cast(null as double) as exit_rate,
        cast(null as double) as paid_days_per_recipient,
        cast(null as double) as euros_per_paid_day,
        max(municipal_share_eur) filter (where band = 'central')
        / nullif(max(euros_paid) filter (where band = 'central'), 0) as effective_municipal_share,
        max(recipients) filter (where band = 'central') as recipients,
        min(recipients) as recipients_lower,
        max(recipients) as recipients_upper,
        max(euros_paid) filter (where band = 'central') as euros_paid,
        min(euros_paid) as euros_paid_lower,
        max(euros_paid) as euros_paid_upper,
        max(municipal_share_eur) filter (where band = 'central') as municipal_share_eur,
        min(municipal_share_eur) as municipal_share_eur_lower,
        max(municipal_share_eur) as municipal_share_eur_upper
    from band_totals
    group by area_code, benefit_regime, jump_off_month, horizon, month
),

both_kinds as (
    select * from classes
    union all by name
    select * from totals
)

select
    cast(area_code as varchar) as area_code,
    cast(benefit_regime as varchar) as benefit_regime,
    cast(jump_off_month as date) as jump_off_month,
    cast(horizon as integer) as horizon,
    cast(month as date) as month,
    cast(days_class as varchar) as days_class,
    cast(is_total_class as boolean) as is_total_class,
    cast(class_order as integer) as class_order,
    cast(rate_pairs as integer) as rate_pairs,
    cast(transition_rate as double) as transition_rate,
    cast(exit_rate as double) as exit_rate,
    cast(paid_days_per_recipient as double) as paid_days_per_recipient,
    cast(euros_per_paid_day as double) as euros_per_paid_day,
    cast(effective_municipal_share as double) as effective_municipal_share,
    cast(recipients as double) as recipients,
    cast(recipients_lower as double) as recipients_lower,
    cast(recipients_upper as double) as recipients_upper,
    cast(euros_paid as double) as euros_paid,
    cast(euros_paid_lower as double) as euros_paid_lower,
    cast(euros_paid_upper as double) as euros_paid_upper,
    cast(municipal_share_eur as double) as municipal_share_eur,
    cast(municipal_share_eur_lower as double) as municipal_share_eur_lower,
    cast(municipal_share_eur_upper as double) as municipal_share_eur_upper
from both_kinds
