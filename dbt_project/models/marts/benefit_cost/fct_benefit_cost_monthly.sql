-- The ledger of the municipally co-financed unemployment benefit (Kela): per employment area, month, benefit
-- and accumulated-days class, the measured effective municipal share (municipal share ÷ paid), euros per paid
-- day and paid days per recipient. Nothing here comes from the statute: the class bounds are read from Kela's
-- labels ('1-299', '300 tai yli') and the shares from the euros. The benefit regime maps the benefits the
-- 1.5.2026 reform merged (Työmarkkinatuki, Peruspäiväraha) to Yleistuki (seed benefit_regimes).
with benefits as (
    select * from {{ ref('stg_kela__unemployment_benefit') }}
    where area_code is not null
),

regimes as (
    select * from {{ ref('benefit_regimes') }}
),

latest_month as (
    select max(month) as month from benefits
),

bounds as (
    select
        benefits.*,
        regimes.regime_from,
        coalesce(regimes.benefit_regime, benefits.benefit) as benefit_regime,
        nullif(regexp_extract(benefits.days_class, '^\s*(\d+)', 1), '') as lower_text,
        nullif(regexp_extract(benefits.days_class, '^\s*\d+\s*[-–]\s*(\d+)\s*$', 1), '') as upper_text,
        regexp_matches(benefits.days_class, '^\s*\d+\s+tai\s+yli\s*$') as is_open_ended
    from benefits
    left join regimes on benefits.benefit = regimes.benefit
)

select
    cast(bounds.area_code as varchar) as area_code,
    cast(bounds.month as date) as month,
    cast(bounds.benefit as varchar) as benefit,
    cast(bounds.benefit_regime as varchar) as benefit_regime,
    cast(bounds.regime_from is not null and bounds.month >= bounds.regime_from as boolean) as is_after_reform,
    cast(bounds.days_class as varchar) as days_class,
    cast(bounds.is_total_class as boolean) as is_total_class,
    cast(case when not bounds.is_total_class then bounds.lower_text end as integer) as class_lower_days,
    cast(case when not bounds.is_total_class then bounds.upper_text end as integer) as class_upper_days,
    cast(
        not bounds.is_total_class and bounds.lower_text is not null
        and (bounds.upper_text is not null or bounds.is_open_ended) as boolean
    ) as is_class_parsed,
    cast(bounds.recipients as bigint) as recipients,
    cast(bounds.compensated_days as bigint) as compensated_days,
    cast(bounds.euros_paid as double) as euros_paid,
    cast(bounds.municipal_share_eur as double) as municipal_share_eur,
    cast(bounds.municipal_share_eur / nullif(bounds.euros_paid, 0) as double) as effective_municipal_share,
    cast(bounds.euros_paid / nullif(bounds.compensated_days, 0) as double) as euros_per_paid_day,
    cast(bounds.compensated_days / nullif(bounds.recipients, 0) as double) as paid_days_per_recipient,
    cast(bounds.month > latest_month.month - interval 3 month as boolean) as is_provisional,
    cast(bounds.source_updated_at as timestamp) as source_updated_at,
    cast(bounds.is_sample_data as boolean) as is_sample_data
from bounds
cross join latest_month
