-- Changes worth a partner's attention in the latest month, each with a severity and one sentence in
-- Finnish and English. Rules (thresholds documented in the YAML):
--   unusual_change_12m     a year-on-year change far outside the area's own recent history (|z| ≥ 2)
--   kpi_off_track          a KPI target at risk or off track (mart_kpi_progress)
--   suppressed_share_jump  an employment area's share of suppressed member cells jumping
--   source_stale           a dataset whose last fetch failed or never landed, or whose release is overdue
{%- set history_months = 60 %}
{%- set min_history = 24 %}
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

-- each year-on-year change against the same area's changes in the preceding months
change_history as (
    select
        picture.area_code,
        picture.indicator_code,
        picture.month,
        picture.change_12m,
        picture.value,
        picture.value_year_ago,
        picture.is_sample_data,
        avg(picture.change_12m) over history as history_mean,
        stddev_samp(picture.change_12m) over history as history_sd,
        count(picture.change_12m) over history as history_count
    from picture
    where
        picture.area_level in ('employment_area', 'region', 'country')
        and coalesce(picture.change_12m_bound, 'exact') = 'exact'
    window history as (
        partition by picture.area_code, picture.indicator_code
        order by picture.month
        rows between {{ history_months }} preceding and 1 preceding
    )
),

unusual_changes as (
    select
        change_history.*,
        (change_history.change_12m - change_history.history_mean) / nullif(change_history.history_sd, 0) as z_score
    from change_history
    inner join latest_month on change_history.month = latest_month.month
    where
        change_history.history_count >= {{ min_history }}
        and abs(
            (change_history.change_12m - change_history.history_mean) / nullif(change_history.history_sd, 0)
        ) >= 2
),

unusual_change_alerts as (
    select
        unusual_changes.month,
        'unusual_change_12m' as alert_type,
        unusual_changes.area_code,
        unusual_changes.indicator_code,
        case
            when indicators.direction_sign = 0 then 'info'
            when sign(unusual_changes.change_12m) != indicators.direction_sign and abs(unusual_changes.z_score) >= 3
                then 'high'
            when sign(unusual_changes.change_12m) != indicators.direction_sign then 'medium'
            else 'info'
        end as severity,
        case
            when indicators.direction_sign != 0 then sign(unusual_changes.change_12m) = indicators.direction_sign
        end as is_favourable,
        unusual_changes.change_12m as observed_value,
        unusual_changes.history_mean as reference_value,
        unusual_changes.z_score,
        areas.name_fi || ': ' || lower(indicators.name_fi) || ' – muutos vuoden takaisesta '
        || {{ format_indicator_number('unusual_changes.change_12m', 'indicators.unit', 'fi', true) }}
        || case indicators.unit
            when 'percent' then ' prosenttiyksikköä'
            when 'persons' then ' henkilöä'
            when 'vacancies' then ' paikkaa'
            else ''
        end
        || ' on poikkeuksellinen alueen omaan historiaan nähden (viiden edellisen vuoden vuosimuutokset '
        || 'keskimäärin '
        || {{ format_indicator_number('unusual_changes.history_mean', 'indicators.unit', 'fi', true) }}
        || ', keskihajonta '
        || {{ format_indicator_number('unusual_changes.history_sd', 'indicators.unit', 'fi') }}
        || ').' as explanation_fi,
        coalesce(areas.name_en, areas.name_fi) || ': ' || lower(indicators.name_en) || ' changed by '
        || {{ format_indicator_number('unusual_changes.change_12m', 'indicators.unit', 'en', true) }}
        || case indicators.unit
            when 'percent' then ' percentage points'
            when 'persons' then ' persons'
            when 'vacancies' then ' vacancies'
            else ''
        end
        || ' from a year ago, outside what the area''s own history makes usual (year-on-year changes of the '
        || 'previous five years averaged '
        || {{ format_indicator_number('unusual_changes.history_mean', 'indicators.unit', 'en', true) }}
        || ', standard deviation '
        || {{ format_indicator_number('unusual_changes.history_sd', 'indicators.unit', 'en') }}
        || ').' as explanation_en,
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
    cast(z_score as double) as z_score,
    cast(explanation_fi as varchar) as explanation_fi,
    cast(explanation_en as varchar) as explanation_en,
    cast(is_sample_data as boolean) as is_sample_data
from unioned
