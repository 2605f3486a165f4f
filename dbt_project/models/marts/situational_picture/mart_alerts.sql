-- Changes worth a partner's attention in the latest month, each with a severity and one sentence in
-- Finnish, Swedish and English. Rules (thresholds documented in the YAML):
--   unusual_month          a month's value outside the band that the area's trend and usual season
--                          predict: |residual| > band_k × the robust sd of the series' own residuals
--   unusual_change_12m     a 12-month change of the trend unusual for the series: |change − median of its
--                          own 12-month changes| > change_k × their robust sd (persistent change)
--   kpi_off_track          a KPI target at risk or off track (mart_kpi_progress)
--   suppressed_share_jump  an employment area's share of suppressed member cells jumping
--   source_stale           a dataset whose last fetch failed or never landed, or whose release is overdue
{%- set history_months = 60 %}
{%- set min_history = 36 %}
{%- set band_k = 2.5 %}
{%- set high_k = 4 %}
{%- set change_k = 3 %}
{%- set mad_to_sd = 1.4826 %}
{%- set suppressed_jump_points = 10 %}
{%- set count_measures = labour_market_measures(kind='count') | length %}

with picture as (
    select * from {{ ref('mart_situational_picture') }}
),

indicators as (
    select * from {{ ref('dim_indicator') }}
),

areas as (
    select * from {{ ref('dim_area') }}
),

kpi_progress as (
    select * from {{ ref('mart_kpi_progress') }}
),

facts as (
    select * from {{ ref('fct_labour_market_monthly') }}
),

freshness as (
    select * from {{ ref('mart_data_freshness') }}
),

latest_month as (
    select max(month) as month from picture
),

-- each month's value against what the trend of the two months before and the month's usual seasonal
-- effect predict (one step ahead): the residual is what neither season nor trend explains
forecasts as (
    select
        area_code,
        indicator_code,
        month,
        value,
        is_lower_bound,
        is_sample_data,
        value - seasonally_adjusted as seasonal_effect,
        2 * lag(trend) over series - lag(trend, 2) over series as trend_forecast,
        lag(month, 2) over series as month_two_before
    from picture
    where
        area_level in ('employment_area', 'region', 'country')
        and seasonally_adjusted is not null
        and trend is not null
    window series as (partition by area_code, indicator_code order by month)
),

residuals as (
    select
        area_code,
        indicator_code,
        month,
        value,
        is_lower_bound,
        is_sample_data,
        trend_forecast + seasonal_effect as expected_value,
        value - (trend_forecast + seasonal_effect) as residual
    from forecasts
    where month_two_before = month - interval 2 month
),

-- the series' usual irregularity: 1.4826 × the median absolute deviation of its residuals in the
-- previous months (a standard deviation that one odd month, or a crisis year, cannot inflate)
residual_spread as (
    select
        residuals.area_code,
        residuals.indicator_code,
        count(*) as history_count,
        {{ mad_to_sd }} * mad(residuals.residual) as robust_sd
    from residuals
    cross join latest_month
    where
        residuals.month < latest_month.month
        and residuals.month >= latest_month.month - interval {{ history_months }} month
        and not residuals.is_lower_bound
    group by residuals.area_code, residuals.indicator_code
),

unusual_months as (
    select
        residuals.*,
        residual_spread.robust_sd,
        {{ band_k }} * residual_spread.robust_sd as threshold,
        residuals.expected_value - {{ band_k }} * residual_spread.robust_sd as band_low,
        residuals.expected_value + {{ band_k }} * residual_spread.robust_sd as band_high,
        residuals.residual / residual_spread.robust_sd as z_score
    from residuals
    inner join latest_month on residuals.month = latest_month.month
    inner join residual_spread
        on
            residuals.area_code = residual_spread.area_code
            and residuals.indicator_code = residual_spread.indicator_code
    where
        not residuals.is_lower_bound
        and residual_spread.history_count >= {{ min_history }}
        and residual_spread.robust_sd > 0
        and abs(residuals.residual) > {{ band_k }} * residual_spread.robust_sd
),

unusual_month_alerts as (
    select
        unusual_months.month,
        'unusual_month' as alert_type,
        unusual_months.area_code,
        unusual_months.indicator_code,
        case
            when indicators.direction_sign = 0 then 'info'
            when sign(unusual_months.residual) != indicators.direction_sign
                and abs(unusual_months.z_score) >= {{ high_k }}
                then 'high'
            when sign(unusual_months.residual) != indicators.direction_sign then 'medium'
            else 'info'
        end as severity,
        case
            when indicators.direction_sign != 0 then sign(unusual_months.residual) = indicators.direction_sign
        end as is_favourable,
        unusual_months.value as observed_value,
        unusual_months.expected_value as reference_value,
        unusual_months.band_low,
        unusual_months.band_high,
        unusual_months.residual,
        unusual_months.threshold,
        unusual_months.z_score,
        {{ band_k }} as rule_k,
        areas.name_fi || ', ' || lower(indicators.name_fi) || ': arvo '
        || {{ format_indicator_number('unusual_months.value', 'indicators.unit', 'fi', precise=true) }}
        || ' (' || strftime(unusual_months.month, '%m/%Y') || ')'
        || case when unusual_months.residual > 0 then ' ylitti' else ' jäi alle' end
        || ' vaihteluvälin '
        || {{ format_indicator_number(
            'unusual_months.band_low', 'indicators.unit', 'fi', precise=true, with_unit=false
        ) }}
        || '–'
        || {{ format_indicator_number('unusual_months.band_high', 'indicators.unit', 'fi', precise=true) }}
        || ', jonka trendi ja tavallinen kausivaihtelu ennustavat (odotettu '
        || {{ format_indicator_number('unusual_months.expected_value', 'indicators.unit', 'fi', precise=true) }}
        || '; poikkeama '
        || {{ format_indicator_number('unusual_months.residual', 'indicators.unit', 'fi', true, true) }}
        || ' on ' || replace(printf('%.1f', abs(unusual_months.z_score)), '.', ',')
        || '-kertainen alueen tavalliseen kuukausivaihteluun nähden).' as explanation_fi,
        coalesce(areas.name_sv, areas.name_fi) || ', ' || lower(indicators.name_sv) || ': värdet '
        || {{ format_indicator_number('unusual_months.value', 'indicators.unit', 'sv', precise=true) }}
        || ' (' || strftime(unusual_months.month, '%m/%Y') || ')'
        || case when unusual_months.residual > 0 then ' låg över' else ' låg under' end
        || ' intervallet '
        || {{ format_indicator_number(
            'unusual_months.band_low', 'indicators.unit', 'sv', precise=true, with_unit=false
        ) }}
        || '–'
        || {{ format_indicator_number('unusual_months.band_high', 'indicators.unit', 'sv', precise=true) }}
        || ' som trenden och den vanliga säsongsvariationen förutsäger (väntat '
        || {{ format_indicator_number('unusual_months.expected_value', 'indicators.unit', 'sv', precise=true) }}
        || '; avvikelsen '
        || {{ format_indicator_number('unusual_months.residual', 'indicators.unit', 'sv', true, true) }}
        || ' är ' || replace(printf('%.1f', abs(unusual_months.z_score)), '.', ',')
        || ' gånger områdets vanliga månadsvariation).' as explanation_sv,
        coalesce(areas.name_en, areas.name_fi) || ', ' || lower(indicators.name_en) || ': the value '
        || {{ format_indicator_number('unusual_months.value', 'indicators.unit', 'en', precise=true) }}
        || ' (' || strftime(unusual_months.month, '%m/%Y') || ')'
        || case when unusual_months.residual > 0 then ' was above' else ' was below' end
        || ' the range '
        || {{ format_indicator_number(
            'unusual_months.band_low', 'indicators.unit', 'en', precise=true, with_unit=false
        ) }}
        || '–'
        || {{ format_indicator_number('unusual_months.band_high', 'indicators.unit', 'en', precise=true) }}
        || ' that the trend and the usual seasonal variation predict (expected '
        || {{ format_indicator_number('unusual_months.expected_value', 'indicators.unit', 'en', precise=true) }}
        || '; the deviation '
        || {{ format_indicator_number('unusual_months.residual', 'indicators.unit', 'en', true, true) }}
        || ' is ' || printf('%.1f', abs(unusual_months.z_score))
        || ' times the area''s usual month-to-month irregularity).' as explanation_en,
        unusual_months.is_sample_data
    from unusual_months
    inner join indicators on unusual_months.indicator_code = indicators.indicator_code
    inner join areas on unusual_months.area_code = areas.area_code
),

-- the 12-month change of the trend: a steady rise that the trend follows, which no single month
-- betrays, shows here
trend_changes as (
    select
        area_code,
        indicator_code,
        month,
        is_sample_data,
        lag(month, 12) over series as month_year_before,
        trend - lag(trend, 12) over series as change_12m,
        is_lower_bound or lag(is_lower_bound, 12) over series as touches_lower_bound
    from picture
    where
        area_level in ('employment_area', 'region', 'country')
        and trend is not null
    window series as (partition by area_code, indicator_code order by month)
),

year_changes as (
    select * from trend_changes
    where month_year_before = month - interval 12 month and not touches_lower_bound
),

-- the series' usual 12-month change (median) and its robust spread (1.4826 × MAD) over the previous
-- months: a crisis year shifts neither
change_spread as (
    select
        year_changes.area_code,
        year_changes.indicator_code,
        count(*) as history_count,
        median(year_changes.change_12m) as usual_change,
        {{ mad_to_sd }} * mad(year_changes.change_12m) as robust_sd
    from year_changes
    cross join latest_month
    where
        year_changes.month < latest_month.month
        and year_changes.month >= latest_month.month - interval {{ history_months }} month
    group by year_changes.area_code, year_changes.indicator_code
),

unusual_changes as (
    select
        year_changes.*,
        change_spread.usual_change,
        {{ change_k }} * change_spread.robust_sd as threshold,
        change_spread.usual_change - {{ change_k }} * change_spread.robust_sd as band_low,
        change_spread.usual_change + {{ change_k }} * change_spread.robust_sd as band_high,
        year_changes.change_12m - change_spread.usual_change as residual,
        (year_changes.change_12m - change_spread.usual_change) / change_spread.robust_sd as z_score
    from year_changes
    inner join latest_month on year_changes.month = latest_month.month
    inner join change_spread
        on
            year_changes.area_code = change_spread.area_code
            and year_changes.indicator_code = change_spread.indicator_code
    where
        change_spread.history_count >= {{ min_history }}
        and change_spread.robust_sd > 0
        and abs(year_changes.change_12m - change_spread.usual_change) > {{ change_k }} * change_spread.robust_sd
),

unusual_change_alerts as (
    select
        unusual_changes.month,
        'unusual_change_12m' as alert_type,
        unusual_changes.area_code,
        unusual_changes.indicator_code,
        case
            when indicators.direction_sign = 0 then 'info'
            when sign(unusual_changes.residual) != indicators.direction_sign
                and abs(unusual_changes.z_score) >= {{ high_k }}
                then 'high'
            when sign(unusual_changes.residual) != indicators.direction_sign then 'medium'
            else 'info'
        end as severity,
        case
            when indicators.direction_sign != 0 then sign(unusual_changes.residual) = indicators.direction_sign
        end as is_favourable,
        unusual_changes.change_12m as observed_value,
        unusual_changes.usual_change as reference_value,
        unusual_changes.band_low,
        unusual_changes.band_high,
        unusual_changes.residual,
        unusual_changes.threshold,
        unusual_changes.z_score,
        {{ change_k }} as rule_k,
        areas.name_fi || ', ' || lower(indicators.name_fi) || ': trendi muuttui vuodessa ('
        || strftime(unusual_changes.month_year_before, '%m/%Y') || '–' || strftime(unusual_changes.month, '%m/%Y')
        || ') '
        || {{ format_indicator_number('unusual_changes.change_12m', 'indicators.unit', 'fi', true, true) }}
        || ', kun sarjan tavallinen vuosimuutos edellisten {{ history_months }} kuukauden aikana on '
        || {{ format_indicator_number('unusual_changes.usual_change', 'indicators.unit', 'fi', true, true) }}
        || ' (vaihteluväli '
        || {{ format_indicator_number(
            'unusual_changes.band_low', 'indicators.unit', 'fi', true, true, with_unit=false
        ) }}
        || '…'
        || {{ format_indicator_number('unusual_changes.band_high', 'indicators.unit', 'fi', true, true) }}
        || '); ero on ' || replace(printf('%.2f', abs(unusual_changes.z_score)), '.', ',')
        || '-kertainen vuosimuutosten tavalliseen hajontaan nähden (raja {{ change_k }}).' as explanation_fi,
        coalesce(areas.name_sv, areas.name_fi) || ', ' || lower(indicators.name_sv) || ': trenden ändrades på ett år ('
        || strftime(unusual_changes.month_year_before, '%m/%Y') || '–' || strftime(unusual_changes.month, '%m/%Y')
        || ') med '
        || {{ format_indicator_number('unusual_changes.change_12m', 'indicators.unit', 'sv', true, true) }}
        || ', medan seriens vanliga årsförändring under de föregående {{ history_months }} månaderna är '
        || {{ format_indicator_number('unusual_changes.usual_change', 'indicators.unit', 'sv', true, true) }}
        || ' (intervall '
        || {{ format_indicator_number(
            'unusual_changes.band_low', 'indicators.unit', 'sv', true, true, with_unit=false
        ) }}
        || '…'
        || {{ format_indicator_number('unusual_changes.band_high', 'indicators.unit', 'sv', true, true) }}
        || '); skillnaden är ' || replace(printf('%.2f', abs(unusual_changes.z_score)), '.', ',')
        || ' gånger årsförändringarnas vanliga spridning (gräns {{ change_k }}).' as explanation_sv,
        coalesce(areas.name_en, areas.name_fi) || ', ' || lower(indicators.name_en) || ': the trend changed by '
        || {{ format_indicator_number('unusual_changes.change_12m', 'indicators.unit', 'en', true, true) }}
        || ' in a year (' || strftime(unusual_changes.month_year_before, '%m/%Y') || '–'
        || strftime(unusual_changes.month, '%m/%Y')
        || '), while the series'' usual 12-month change in the previous {{ history_months }} months is '
        || {{ format_indicator_number('unusual_changes.usual_change', 'indicators.unit', 'en', true, true) }}
        || ' (range '
        || {{ format_indicator_number(
            'unusual_changes.band_low', 'indicators.unit', 'en', true, true, with_unit=false
        ) }}
        || ' to '
        || {{ format_indicator_number('unusual_changes.band_high', 'indicators.unit', 'en', true, true) }}
        || '); the difference is ' || printf('%.2f', abs(unusual_changes.z_score))
        || ' times the usual spread of its 12-month changes (limit {{ change_k }}).' as explanation_en,
        unusual_changes.is_sample_data
    from unusual_changes
    inner join indicators on unusual_changes.indicator_code = indicators.indicator_code
    inner join areas on unusual_changes.area_code = areas.area_code
),

kpi_alerts as (
    select
        kpi_progress.month,
        'kpi_off_track' as alert_type,
        kpi_progress.area_code,
        kpi_progress.indicator_code,
        case
            when kpi_progress.status = 'off_track' and coalesce(kpi_progress.previous_status, '') != 'off_track'
                then 'high'
            when kpi_progress.status = 'off_track' then 'medium'
            else 'low'
        end as severity,
        false as is_favourable,
        kpi_progress.actual_value as observed_value,
        kpi_progress.expected_value as reference_value,
        null as z_score,
        areas.name_fi || ': tavoite "' || lower(indicators.name_fi) || ' '
        || {{ format_indicator_number('kpi_progress.target_value', 'indicators.unit', 'fi') }}
        || ' ' || strftime(kpi_progress.target_month, '%m/%Y') || ' mennessä" on '
        || case
            when kpi_progress.status = 'off_track' and coalesce(kpi_progress.previous_status, '') != 'off_track'
                then 'tässä kuussa pudonnut jälkeen aikataulusta'
            when kpi_progress.status = 'off_track' then 'jäljessä aikataulusta'
            else 'vaarassa jäädä jälkeen'
        end
        || ': nyt ' || {{ format_indicator_number('kpi_progress.actual_value', 'indicators.unit', 'fi') }}
        || ', suoran uran mukaan pitäisi olla '
        || {{ format_indicator_number('kpi_progress.expected_value', 'indicators.unit', 'fi') }}
        || case when kpi_progress.is_example then ' (esimerkkitavoite).' else '.' end as explanation_fi,
        coalesce(areas.name_sv, areas.name_fi) || ': målet "' || lower(indicators.name_sv) || ' '
        || {{ format_indicator_number('kpi_progress.target_value', 'indicators.unit', 'sv') }}
        || ' senast ' || strftime(kpi_progress.target_month, '%m/%Y') || '" '
        || case
            when kpi_progress.status = 'off_track' and coalesce(kpi_progress.previous_status, '') != 'off_track'
                then 'har denna månad hamnat efter planen'
            when kpi_progress.status = 'off_track' then 'ligger efter planen'
            else 'riskerar att hamna efter'
        end
        || ': nu ' || {{ format_indicator_number('kpi_progress.actual_value', 'indicators.unit', 'sv') }}
        || ', enligt den raka linjen mot målet borde det vara '
        || {{ format_indicator_number('kpi_progress.expected_value', 'indicators.unit', 'sv') }}
        || case when kpi_progress.is_example then ' (ett exempelmål).' else '.' end as explanation_sv,
        coalesce(areas.name_en, areas.name_fi) || ': the target "' || lower(indicators.name_en) || ' '
        || {{ format_indicator_number('kpi_progress.target_value', 'indicators.unit', 'en') }}
        || ' by ' || strftime(kpi_progress.target_month, '%m/%Y') || '" is '
        || case
            when kpi_progress.status = 'off_track' and coalesce(kpi_progress.previous_status, '') != 'off_track'
                then 'off track since this month'
            when kpi_progress.status = 'off_track' then 'off track'
            else 'at risk'
        end
        || ': now ' || {{ format_indicator_number('kpi_progress.actual_value', 'indicators.unit', 'en') }}
        || ', the straight line to the target expects '
        || {{ format_indicator_number('kpi_progress.expected_value', 'indicators.unit', 'en') }}
        || case when kpi_progress.is_example then ' (an example target).' else '.' end as explanation_en,
        kpi_progress.is_sample_data
    from kpi_progress
    inner join indicators on kpi_progress.indicator_code = indicators.indicator_code
    inner join areas on kpi_progress.area_code = areas.area_code
    where kpi_progress.is_latest_actual and kpi_progress.status in ('at_risk', 'off_track')
),

-- share of suppressed member cells of each employment area, now and over the previous 12 months
suppressed_shares as (
    select
        area_code,
        month,
        is_sample_data,
        100.0 * suppressed_cell_count / (member_count * {{ count_measures }}) as suppressed_pct,
        avg(100.0 * suppressed_cell_count / (member_count * {{ count_measures }})) over (
            partition by area_code order by month rows between 12 preceding and 1 preceding
        ) as previous_year_pct
    from facts
    where area_level = 'employment_area'
),

suppressed_alerts as (
    select
        suppressed_shares.month,
        'suppressed_share_jump' as alert_type,
        suppressed_shares.area_code,
        null as indicator_code,
        'medium' as severity,
        null as is_favourable,
        suppressed_shares.suppressed_pct as observed_value,
        suppressed_shares.previous_year_pct as reference_value,
        null as z_score,
        areas.name_fi || ': salattujen (...) jäsenkuntasolujen osuus nousi '
        || replace(printf('%.1f', suppressed_shares.suppressed_pct), '.', ',')
        || ' prosenttiin (edellisten 12 kuukauden keskiarvo '
        || replace(printf('%.1f', suppressed_shares.previous_year_pct), '.', ',')
        || ' %), joten alueen summat ovat aiempaa vajaampia.' as explanation_fi,
        coalesce(areas.name_sv, areas.name_fi)
        || ': andelen skyddade (...) celler för medlemskommunerna steg till '
        || replace(printf('%.1f', suppressed_shares.suppressed_pct), '.', ',')
        || ' % (medeltal för de föregående 12 månaderna '
        || replace(printf('%.1f', suppressed_shares.previous_year_pct), '.', ',')
        || ' %), så områdets summor är mer ofullständiga än tidigare.' as explanation_sv,
        coalesce(areas.name_en, areas.name_fi) || ': the share of suppressed (...) member-municipality cells rose to '
        || printf('%.1f', suppressed_shares.suppressed_pct) || ' % (average of the previous 12 months '
        || printf('%.1f', suppressed_shares.previous_year_pct)
        || ' %), so the area''s sums understate more than before.' as explanation_en,
        suppressed_shares.is_sample_data
    from suppressed_shares
    inner join latest_month on suppressed_shares.month = latest_month.month
    inner join areas on suppressed_shares.area_code = areas.area_code
    where suppressed_shares.suppressed_pct - suppressed_shares.previous_year_pct >= {{ suppressed_jump_points }}
),

source_alerts as (
    select
        latest_month.month,
        'source_stale' as alert_type,
        freshness.source || '/' || freshness.dataset as dataset,
        case when freshness.is_stale then 'high' else 'medium' end as severity,
        freshness.age_days as observed_value,
        freshness.is_sample_data,
        'Lähde ' || freshness.source || '/' || freshness.dataset
        || ' (' || coalesce(freshness.source_table, '?') || ') '
        || case
            when freshness.landing_version is null then 'ei ole vielä kertaakaan onnistuneesti haettu'
            when freshness.is_stale
                then 'ei päivittynyt viimeisimmässä haussa (' || coalesce(freshness.last_attempt_status, '?')
                    || '), joten käytössä on ' || strftime(freshness.fetched_at, '%d.%m.%Y') || ' haettu versio'
            else
                'on myöhässä: seuraavaa julkaisua odotettiin '
                || strftime(freshness.expected_next_release, '%d.%m.%Y')
        end || '.' as explanation_fi,
        'Källan ' || freshness.source || '/' || freshness.dataset
        || ' (' || coalesce(freshness.source_table, '?') || ') '
        || case
            when freshness.landing_version is null then 'har aldrig hämtats'
            when freshness.is_stale
                then 'uppdaterades inte vid den senaste hämtningen (' || coalesce(freshness.last_attempt_status, '?')
                    || '), så versionen hämtad ' || strftime(freshness.fetched_at, '%d.%m.%Y') || ' används'
            else
                'är försenad: nästa publicering väntades '
                || strftime(freshness.expected_next_release, '%d.%m.%Y')
        end || '.' as explanation_sv,
        'Source ' || freshness.source || '/' || freshness.dataset
        || ' (' || coalesce(freshness.source_table, '?') || ') '
        || case
            when freshness.landing_version is null then 'has never been fetched successfully'
            when freshness.is_stale
                then 'was not refreshed in the latest attempt (' || coalesce(freshness.last_attempt_status, '?')
                    || '), so the version fetched on ' || strftime(freshness.fetched_at, '%Y-%m-%d') || ' is in use'
            else
                'is overdue: its next release was expected on '
                || strftime(freshness.expected_next_release, '%Y-%m-%d')
        end || '.' as explanation_en
    from freshness
    cross join latest_month
    where freshness.is_stale or freshness.is_overdue
),

unioned as (
    select * from unusual_month_alerts
    union all by name
    select * from unusual_change_alerts
    union all by name
    select * from kpi_alerts
    union all by name
    select * from suppressed_alerts
    union all by name
    select * from source_alerts
)

select
    cast(month as date) as month,
    cast(alert_type as varchar) as alert_type,
    cast(area_code as varchar) as area_code,
    cast(indicator_code as varchar) as indicator_code,
    cast(dataset as varchar) as dataset,
    cast(severity as varchar) as severity,
    cast(is_favourable as boolean) as is_favourable,
    cast(observed_value as double) as observed_value,
    cast(reference_value as double) as reference_value,
    cast(band_low as double) as band_low,
    cast(band_high as double) as band_high,
    cast(residual as double) as residual,
    cast(threshold as double) as threshold,
    cast(z_score as double) as z_score,
    cast(rule_k as double) as rule_k,
    cast(explanation_fi as varchar) as explanation_fi,
    cast(explanation_sv as varchar) as explanation_sv,
    cast(explanation_en as varchar) as explanation_en,
    cast(is_sample_data as boolean) as is_sample_data
from unioned
