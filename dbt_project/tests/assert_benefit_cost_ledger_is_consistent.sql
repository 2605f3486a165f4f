-- Relations of Kela's co-financed benefit figures that must hold whatever the data; one row per violation.
-- Expected overlaps (class sums above the Yhteensä row) are not violations: mart_benefit_cost_reconciliation
-- reports them. Broken are: a municipal share above the euros paid or below zero, negative counts or euros,
-- a class row with more recipients than its area's Yhteensä row, a class label whose bounds cannot be read
-- (the flow model would silently drop it), and a scenario row that matches no class or area of the data
-- (none yet: not checked), or is named 'baseline' (it would change nothing, or the baseline itself).
with ledger as (
    select * from {{ ref('fct_benefit_cost_monthly') }}
),

totals as (
    select * from ledger
    where is_total_class
),

row_violations as (
    select
        area_code,
        month,
        benefit,
        days_class,
        case
            when municipal_share_eur > euros_paid + 0.005 then 'municipal share above euros paid'
            when municipal_share_eur < 0 then 'negative municipal share'
            when recipients < 0 or compensated_days < 0 or euros_paid < 0 then 'negative count or euros'
            when not is_total_class and not is_class_parsed then 'class label without readable bounds'
        end as violation
    from ledger
),

class_above_total as (
    select
        ledger.area_code,
        ledger.month,
        ledger.benefit,
        ledger.days_class,
        'class has more recipients than the total' as violation
    from ledger
    inner join totals
        on
            ledger.area_code = totals.area_code
            and ledger.month = totals.month
            and ledger.benefit = totals.benefit
    where not ledger.is_total_class and ledger.recipients > totals.recipients
),

scenario_violations as (
    select
        scenarios.area_code,
        cast(null as date) as month,
        scenarios.scenario as benefit,
        scenarios.days_class,
        case
            when scenarios.scenario = 'baseline' then 'scenario named baseline'
            else 'scenario row matches no class or area'
        end as violation
    from {{ ref('benefit_cost_scenarios') }} as scenarios
    where
        scenarios.scenario = 'baseline'
        -- before Kela's data first arrive there is no class to match (the first night without Kela)
        or exists (select 1 from ledger) and not exists (
            select 1
            from ledger
            where
                ledger.is_class_parsed
                and (scenarios.area_code is null or ledger.area_code = scenarios.area_code)
                and (scenarios.days_class is null or ledger.days_class = scenarios.days_class)
                and (scenarios.days_from is null or ledger.class_lower_days >= scenarios.days_from)
                and (scenarios.days_to is null or ledger.class_upper_days <= scenarios.days_to)
        )
)

select * from row_violations
where violation is not null
union all
select * from class_above_total
union all
select * from scenario_violations
