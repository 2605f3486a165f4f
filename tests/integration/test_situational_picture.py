"""The situational-picture marts, read from the published serving file and recomputed independently.

Every figure checked here is rebuilt from `fct_labour_market_monthly` (or from the marts' own inputs)
with pandas, numpy or statsmodels, not by re-running the dbt SQL.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.seasonal import STL

from serving.report.text import PERCENT_SIGN, POINTS_UNIT, format_number
from tests.conftest import CliRun

pytestmark = pytest.mark.integration

MARTS = {
    "dim_indicator",
    "mart_data_freshness",
    "mart_occupation_mismatch",
    "mart_municipal_benefit_cost",
    "fct_benefit_cost_monthly",
    "mart_benefit_cost_reconciliation",
    "mart_benefit_cost_outlook",
    "mart_benefit_cost_scenarios",
    "mart_situational_picture",
    "mart_peer_groups",
    "mart_peer_comparison",
    "mart_kpi_progress",
    "mart_alerts",
}


@pytest.fixture(scope="module")
def facts(serving: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return serving.execute("SELECT * FROM fct_labour_market_monthly ORDER BY area_code, month").df()


def _picture(serving: duckdb.DuckDBPyConnection, where: str) -> pd.DataFrame:
    return serving.execute(f"SELECT * FROM mart_situational_picture WHERE {where} ORDER BY month").df()


def test_marts_are_published_with_every_indicator(serving: duckdb.DuckDBPyConnection) -> None:
    tables = {r[0] for r in serving.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables >= MARTS
    indicators = serving.execute("SELECT indicator_code, name_fi, direction_sign FROM dim_indicator").df()
    assert len(indicators) == 14 and indicators["name_fi"].notna().all()
    used = {r[0] for r in serving.execute("SELECT DISTINCT indicator_code FROM mart_situational_picture").fetchall()}
    assert used == set(indicators["indicator_code"])
    rows = serving.execute("SELECT count(*), count(DISTINCT area_code) FROM mart_situational_picture").fetchone()
    assert rows == (443 * 94 * 14, 443)


def test_year_on_year_change_recomputed_from_the_fact(serving: duckdb.DuckDBPyConnection, facts: pd.DataFrame) -> None:
    ta24 = facts[facts["area_code"] == "TA24"].set_index("month")
    rate = 100 * ta24["unemployed"] / ta24["labour_force"]
    picture = _picture(serving, "area_code = 'TA24' AND indicator_code = 'unemployment_rate'").set_index("month")
    expected_pp = rate - rate.shift(12)
    both = picture["change_12m"].notna()
    assert both.sum() == 94 - 12
    np.testing.assert_allclose(picture.loc[both, "change_12m"], expected_pp[both], atol=1e-9)
    # the published rate is the rounded form of the same figure
    assert (picture["value"].round(1) - ta24["unemployment_rate"]).abs().max() < 1e-9

    unemployed = _picture(serving, "area_code = 'TA24' AND indicator_code = 'unemployed'").set_index("month")
    expected_pct = 100 * (ta24["unemployed"] / ta24["unemployed"].shift(12) - 1)
    latest = unemployed.index.max()
    assert unemployed.loc[latest, "change_12m_pct"] == pytest.approx(expected_pct[latest], abs=1e-9)
    assert unemployed.loc[latest, "change_1m"] == ta24["unemployed"].diff()[latest]


def test_rolling_rate_is_a_ratio_of_sums_not_a_mean_of_rates(
    serving: duckdb.DuckDBPyConnection, facts: pd.DataFrame
) -> None:
    ta24 = facts[facts["area_code"] == "TA24"].set_index("month")
    sums = ta24[["unemployed", "labour_force"]].rolling(12).sum()
    expected = 100 * sums["unemployed"] / sums["labour_force"]
    picture = _picture(serving, "area_code = 'TA24' AND indicator_code = 'unemployment_rate'").set_index("month")
    np.testing.assert_allclose(picture["rolling_12m_average"].iloc[11:], expected.iloc[11:], atol=1e-9)
    assert picture["rolling_12m_average"].iloc[:11].isna().all()


def test_rank_among_the_45_mainland_employment_areas(serving: duckdb.DuckDBPyConnection, facts: pd.DataFrame) -> None:
    latest = facts["month"].max()
    mainland = serving.execute(
        "SELECT area_code FROM dim_area WHERE area_level = 'employment_area' AND coalesce(region_code, '') != 'MK21'"
    ).df()["area_code"]
    assert len(mainland) == 45
    now = facts[(facts["month"] == latest) & facts["area_code"].isin(mainland)].set_index("area_code")
    # the fact leaves the rate NULL where a member's cell is missing: those are not ranked
    rate = (100 * now["unemployed"] / now["labour_force"])[now["unemployment_rate"].notna()]
    expected = rate.rank(method="min", ascending=True).astype(int)  # lower unemployment ranks first
    picture = serving.execute(
        "SELECT area_code, rank_value, ranked_on_value_count FROM mart_situational_picture "
        "WHERE indicator_code = 'unemployment_rate' AND month = ? AND rank_value IS NOT NULL",
        [latest],
    ).df()
    ranks = picture.set_index("area_code")["rank_value"]
    pd.testing.assert_series_equal(ranks.sort_index(), expected.sort_index(), check_names=False, check_dtype=False)
    assert set(picture["ranked_on_value_count"]) == {len(expected)}
    assert serving.execute(
        "SELECT count(*) FROM mart_situational_picture WHERE area_code = 'TA46' AND rank_value IS NOT NULL"
    ).fetchone() == (0,)


def test_region_and_country_beside_the_area(serving: duckdb.DuckDBPyConnection, facts: pd.DataFrame) -> None:
    picture = _picture(serving, "area_code = 'TA24' AND indicator_code = 'unemployed'").set_index("month")
    assert set(picture["region_code"]) == {"MK17"}
    for code, column in (("MK17", "region_value"), ("SSS", "country_value")):
        reference = facts[facts["area_code"] == code].set_index("month")["unemployed"]
        np.testing.assert_allclose(picture[column], reference.loc[picture.index])


def test_vacancies_under_an_unknown_municipality_are_reported(
    serving: duckdb.DuckDBPyConnection, facts: pd.DataFrame
) -> None:
    """The national unknown-municipality share is at most what the municipalities together miss."""
    picture = _picture(serving, "area_code = 'SSS' AND indicator_code = 'open_vacancies'").set_index("month")
    municipal = facts[facts["area_level"] == "municipality"].groupby("month")["open_vacancies"].sum()
    missing_pct = 100 * (picture["value"] - municipal.loc[picture.index]) / picture["value"]
    share = picture["country_unknown_area_pct"]
    assert share.notna().all() and (share > 0).all()
    assert (share <= missing_pct + 1e-9).all()
    others = serving.execute(
        "SELECT count(country_unknown_area_pct) FROM mart_situational_picture WHERE indicator_code = 'unemployed'"
    ).fetchone()
    assert others == (0,)


def test_lower_bounds_are_flagged_and_never_ranked(serving: duckdb.DuckDBPyConnection) -> None:
    flagged = serving.execute(
        "SELECT count(*), count(rank_value), count(rank_change_12m) FROM mart_situational_picture WHERE is_lower_bound"
    ).fetchone()
    assert flagged[0] > 0 and flagged[1:] == (0, 0)
    assert serving.execute(
        "SELECT count(*) FROM mart_situational_picture WHERE is_lower_bound AND area_level != 'employment_area'"
    ).fetchone() == (0,)
    inexact = serving.execute(
        "SELECT count(*), count(rank_change_12m) FROM mart_situational_picture WHERE change_12m_bound != 'exact'"
    ).fetchone()
    assert inexact[0] > 0 and inexact[1] == 0


def test_change_bounds_follow_interval_arithmetic(serving: duckdb.DuckDBPyConnection) -> None:
    """exact − exact = exact, lower − exact = lower, exact − lower = upper, lower − lower = unknown."""
    rule = {
        (False, False): "exact",
        (True, False): "lower_bound",
        (False, True): "upper_bound",
        (True, True): "unknown",
    }
    seen = serving.execute(
        "SELECT DISTINCT is_lower_bound, year_ago_is_lower_bound, change_12m_bound FROM mart_situational_picture "
        "WHERE change_12m IS NOT NULL"
    ).fetchall()
    assert {(now, ago): bound for now, ago, bound in seen} == rule
    assert serving.execute(
        "SELECT count(*) FROM mart_situational_picture WHERE (change_12m IS NULL) != (change_12m_bound IS NULL)"
    ).fetchone() == (0,)


def test_published_totals_replace_sums_of_identical_areas(serving: duckdb.DuckDBPyConnection) -> None:
    """An employment area with exactly a region's or sub-region's members carries that published row."""
    pairs = dict(
        serving.execute(
            "SELECT DISTINCT area_code, published_area_code FROM fct_labour_market_monthly WHERE is_published_total"
        ).fetchall()
    )
    assert pairs["TA46"] == "MK21" and len(pairs) == 9
    differing = serving.execute(
        """
        SELECT count(*) FROM fct_labour_market_monthly ta
        JOIN fct_labour_market_monthly published ON published.area_code = ta.published_area_code
            AND published.month = ta.month
        WHERE ta.unemployed IS DISTINCT FROM published.unemployed
            OR ta.unemployment_rate IS DISTINCT FROM published.unemployment_rate
            OR ta.published_unemployment_rate IS DISTINCT FROM published.published_unemployment_rate
        """
    ).fetchone()
    assert differing == (0,)


def test_every_mart_agrees_on_every_rate(serving: duckdb.DuckDBPyConnection) -> None:
    """One figure per area, month and ratio, whichever mart it is read from (Åland TA46 included)."""
    recomputed = serving.execute(
        """
        WITH facts AS (
            SELECT area_code, month, 'unemployment_rate' AS indicator_code,
                100.0 * unemployed / nullif(labour_force, 0) AS value, unemployment_rate AS fact_rate,
                unemployed_is_lower_bound AS lower, labour_force_is_lower_bound AS undefined
            FROM fct_labour_market_monthly
            UNION ALL
            SELECT area_code, month, 'vacancies_per_unemployed', open_vacancies / nullif(unemployed, 0), NULL,
                open_vacancies_is_lower_bound, unemployed_is_lower_bound
            FROM fct_labour_market_monthly
            UNION ALL
            SELECT area_code, month, 'long_term_unemployed_share', 100.0 * long_term_unemployed / nullif(unemployed, 0),
                NULL, long_term_unemployed_is_lower_bound, unemployed_is_lower_bound
            FROM fct_labour_market_monthly
            UNION ALL
            SELECT area_code, month, 'activation_rate',
                100.0 * persons_in_services / nullif(persons_in_services + unemployed, 0), NULL,
                persons_in_services_is_lower_bound, unemployed_is_lower_bound
            FROM fct_labour_market_monthly
        )
        SELECT
            count(*) AS compared,
            count(*) FILTER (WHERE p.area_code = 'TA46' AND p.value IS NOT NULL) AS aland,
            count(*) FILTER (
                WHERE NOT (CASE WHEN f.undefined THEN NULL ELSE f.value END IS NOT DISTINCT FROM p.value
                    OR abs(f.value - p.value) < 1e-9)
            ) AS value_differs,
            count(*) FILTER (WHERE p.value IS NOT NULL AND (f.lower AND NOT f.undefined) != p.is_lower_bound)
                AS bound_differs,
            count(*) FILTER (
                WHERE f.indicator_code = 'unemployment_rate' AND (round(p.value, 1) IS DISTINCT FROM f.fact_rate)
            ) AS fact_rate_differs
        FROM facts f
        JOIN mart_situational_picture p USING (area_code, month, indicator_code)
        """
    ).df()
    assert recomputed.loc[0, "compared"] == 443 * 94 * 4 and recomputed.loc[0, "aland"] == 94 * 4
    assert recomputed.loc[0, ["value_differs", "bound_differs", "fact_rate_differs"]].tolist() == [0, 0, 0]

    ratios = "('unemployment_rate', 'vacancies_per_unemployed', 'long_term_unemployed_share', 'activation_rate')"
    elsewhere = serving.execute(
        f"""
        SELECT 'region_value' AS mart, count(*) FILTER (WHERE p.region_value IS DISTINCT FROM r.value) AS differs
        FROM mart_situational_picture p
        JOIN mart_situational_picture r ON r.area_code = p.region_code AND r.month = p.month
            AND r.indicator_code = p.indicator_code
        WHERE p.indicator_code IN {ratios}
        UNION ALL
        SELECT 'country_value', count(*) FILTER (WHERE p.country_value IS DISTINCT FROM c.value)
        FROM mart_situational_picture p
        JOIN mart_situational_picture c ON c.area_code = 'SSS' AND c.month = p.month
            AND c.indicator_code = p.indicator_code
        WHERE p.indicator_code IN {ratios}
        UNION ALL
        SELECT 'mart_peer_comparison', count(*) FILTER (
            WHERE c.area_value IS DISTINCT FROM CASE WHEN NOT p.is_lower_bound THEN p.value END
        )
        FROM mart_peer_comparison c
        JOIN mart_situational_picture p USING (area_code, month, indicator_code)
        WHERE c.indicator_code IN {ratios}
        UNION ALL
        SELECT 'mart_kpi_progress', count(*) FILTER (
            WHERE k.actual_value IS DISTINCT FROM p.value OR k.actual_is_lower_bound != p.is_lower_bound
        )
        FROM mart_kpi_progress k
        JOIN mart_situational_picture p USING (area_code, month, indicator_code)
        WHERE k.indicator_code IN {ratios} AND k.value_basis = 'month_value'
        """
    ).fetchall()
    assert dict(elsewhere) == {
        "region_value": 0,
        "country_value": 0,
        "mart_peer_comparison": 0,
        "mart_kpi_progress": 0,
    }
    aland = serving.execute(
        "SELECT p.value, c.area_value FROM mart_peer_comparison c JOIN mart_situational_picture p "
        "USING (area_code, month, indicator_code) WHERE area_code = 'TA46' AND indicator_code = 'unemployment_rate'"
    ).fetchall()
    assert not aland or (aland[0][0] is not None and aland[0][0] == aland[0][1])


def test_seasonal_adjustment_matches_an_independent_stl(
    serving: duckdb.DuckDBPyConnection, facts: pd.DataFrame
) -> None:
    series = facts[facts["area_code"] == "TA24"].set_index("month")["unemployed"].astype(float)
    fit = STL(series.to_numpy(), period=12, seasonal=13, robust=False).fit()
    picture = _picture(serving, "area_code = 'TA24' AND indicator_code = 'unemployed'").set_index("month")
    # the model uses Cleveland's jumps, an interpolated approximation of the exact smoother
    np.testing.assert_allclose(picture["trend"], fit.trend, rtol=0.01)
    np.testing.assert_allclose(picture["seasonally_adjusted"], series - fit.seasonal, rtol=0.01)
    seasonal = series - picture["seasonally_adjusted"]
    assert seasonal.groupby(seasonal.index.map(lambda d: d.year)).mean().abs().max() < 0.02 * series.mean()
    # the rate's trend is the unemployed trend over the labour force
    rate = _picture(serving, "area_code = 'TA24' AND indicator_code = 'unemployment_rate'").set_index("month")
    np.testing.assert_allclose(rate["trend"], 100 * picture["trend"] / rate["denominator"], rtol=1e-12)


def test_peer_groups_are_the_nearest_by_standardised_features(serving: duckdb.DuckDBPyConnection) -> None:
    groups = serving.execute("SELECT * FROM mart_peer_groups ORDER BY area_code, peer_rank").df()
    assert groups["area_code"].nunique() == 45 and (groups.groupby("area_code").size() == 6).all()
    assert "TA46" not in set(groups["peer_area_code"])
    own = groups[groups["peer_rank"] == 0].set_index("area_code")
    features = own[
        [
            "unemployment_rate",
            "long_term_share",
            "under_25_share",
            "over_50_share",
            "foreign_nationals_share",
            "vacancy_intensity",
            "working_age_share",
        ]
    ].assign(size=np.log10(own["labour_force"]))
    z = ((features - features.mean()) / features.std(ddof=0)).to_numpy()
    distance = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=2))
    codes = features.index.to_numpy()
    for i, code in enumerate(codes):
        order = [c for c in codes[np.argsort(distance[i], kind="stable")] if c != code][:5]
        expected_distances = np.sort(distance[i][codes != code])[:5]
        actual = groups[(groups["area_code"] == code) & (groups["peer_rank"] > 0)]
        # labour_force is published rounded, so compare distances and allow ties to swap
        np.testing.assert_allclose(actual["distance"], expected_distances, rtol=1e-4)
        assert len(set(actual["peer_area_code"]) & set(order)) >= 4


def test_peer_comparison_position(serving: duckdb.DuckDBPyConnection) -> None:
    row = serving.execute(
        "SELECT * FROM mart_peer_comparison WHERE area_code = 'TA24' AND indicator_code = 'unemployment_rate'"
    ).df()
    peers = row.loc[0, "peer_area_codes"].split(", ")
    values = serving.execute(
        "SELECT area_code, value FROM mart_situational_picture WHERE indicator_code = 'unemployment_rate' "
        "AND month = ? AND area_code IN (SELECT unnest(?))",
        [row.loc[0, "month"], ["TA24", *peers]],
    ).df()
    values = values.set_index("area_code")["value"].dropna()
    assert row.loc[0, "peer_median"] == pytest.approx(values.drop("TA24", errors="ignore").median())
    if "TA24" in values:
        assert row.loc[0, "rank_in_group"] == int(values.rank(method="min")["TA24"])


def _months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def test_kpi_status_recomputed(serving: duckdb.DuckDBPyConnection, facts: pd.DataFrame) -> None:
    progress = serving.execute(
        "SELECT * FROM mart_kpi_progress WHERE area_code = 'TA24' AND indicator_code = 'unemployment_rate' "
        "AND is_latest_actual"
    ).df()
    assert len(progress) == 1
    target = progress.iloc[0]
    ta24 = facts[facts["area_code"] == "TA24"].set_index("month")
    last12 = ta24.loc[: target["month"]].tail(12)
    actual = 100 * last12["unemployed"].sum() / last12["labour_force"].sum()
    assert target["actual_value"] == pytest.approx(actual)
    elapsed = min(
        _months_between(target["baseline_month"], target["month"])
        / _months_between(target["baseline_month"], target["target_month"]),
        1.0,
    )
    expected_value = target["baseline_value"] + (target["target_value"] - target["baseline_value"]) * elapsed
    assert target["expected_value"] == pytest.approx(expected_value)
    achieved = (actual - target["baseline_value"]) / (target["target_value"] - target["baseline_value"])
    status = "on_track" if achieved >= elapsed else "at_risk" if achieved >= elapsed - 0.25 else "off_track"
    assert target["status"] == status
    assert bool(target["is_example"]) is True


def test_alerts_explain_themselves(serving: duckdb.DuckDBPyConnection) -> None:
    alerts = serving.execute("SELECT * FROM mart_alerts").df()
    assert len(alerts) > 0
    assert alerts["explanation_fi"].str.len().min() > 20 and alerts["explanation_en"].str.endswith(".").all()
    assert alerts["explanation_sv"].str.endswith(".").all()
    unusual = alerts[alerts["alert_type"] == "unusual_month"]
    judged = serving.execute(
        "SELECT count(*) FROM mart_situational_picture WHERE trend IS NOT NULL AND NOT is_lower_bound "
        "AND area_level IN ('employment_area', 'region', 'country') AND month = (SELECT max(month) FROM mart_alerts)"
    ).fetchone()[0]
    # the sample fires a few statistical alerts, not a flood: beyond the band, by at most ~5 % of series
    assert 0 < len(unusual) <= 0.05 * judged
    outside = (unusual["observed_value"] < unusual["band_low"]) | (unusual["observed_value"] > unusual["band_high"])
    assert outside.all() and (unusual["residual"].abs() > unusual["threshold"]).all()
    assert (unusual["observed_value"] - unusual["reference_value"] - unusual["residual"]).abs().max() < 1e-6
    assert (unusual["rule_k"] == 2.5).all()
    # persistent change: a few series whose trend moved over 12 months far beyond their own usual changes
    changes = alerts[alerts["alert_type"] == "unusual_change_12m"]
    assert 0 < len(changes) <= 0.02 * judged and (changes["rule_k"] == 3).all()
    assert (changes["residual"].abs() > changes["threshold"]).all()
    assert (changes["observed_value"] - changes["reference_value"] - changes["residual"]).abs().max() < 1e-6
    assert changes["explanation_en"].str.contains("(limit 3)", regex=False).all()
    # each sentence writes its observed figure the way the report writes numbers, with the unit of a
    # percent: ' %' for a value, percentage points for a change
    units = dict(serving.execute("SELECT indicator_code, unit FROM dim_indicator").fetchall())
    statistical = pd.concat([unusual, changes])
    assert {"percent", "persons"} <= {units[code] for code in statistical["indicator_code"]}
    for alert in statistical.itertuples():
        unit, signed = units[alert.indicator_code], alert.alert_type == "unusual_change_12m"
        for lang in ("fi", "sv", "en"):
            written = format_number(alert.observed_value, lang, {"percent": 2, "ratio": 4}.get(unit, 0), signed)
            if unit == "percent":
                written += POINTS_UNIT[lang] if signed else PERCENT_SIGN[lang]
            assert written in getattr(alert, f"explanation_{lang}"), (written, alert)
    kpi = serving.execute(
        "SELECT area_code, indicator_code FROM mart_kpi_progress "
        "WHERE is_latest_actual AND status IN ('at_risk', 'off_track') ORDER BY 1, 2"
    ).fetchall()
    flagged = alerts[alerts["alert_type"] == "kpi_off_track"][["area_code", "indicator_code"]]
    assert sorted(map(tuple, flagged.to_numpy())) == kpi


def test_freshness_of_the_labour_market_data(serving: duckdb.DuckDBPyConnection, facts: pd.DataFrame) -> None:
    row = serving.execute("SELECT * FROM mart_data_freshness WHERE dataset = 'labour_market'").df().iloc[0]
    latest = facts["month"].max()
    assert row["latest_period"] == f"{latest.year}M{latest.month:02d}"
    assert row["latest_period_start"] == latest
    following_month_end = pd.Timestamp(latest) + pd.DateOffset(months=2) - pd.Timedelta(days=1)
    assert pd.Timestamp(row["expected_next_release"]) == following_month_end + pd.Timedelta(days=21)
    # other tests re-run the pipeline in this data directory, so staleness is checked against its rule
    if row["landing_version"] is None or row["last_attempt_status"] in ("failed", "disabled"):
        assert row["is_stale"]
    assert bool(row["is_sample_data"])
    assert row["source_updated_at"] == facts["source_updated_at"].max()


def test_occupation_sums_and_classes_recomputed(sample_refresh: CliRun, serving: duckdb.DuckDBPyConnection) -> None:
    """TA24's occupation figures are the sums of its municipalities' cells in the staged 12ti data."""
    staged = pd.read_parquet(sample_refresh.data_dir / "staging" / "statfin" / "occupations.parquet")
    members = serving.execute(
        "SELECT area_code FROM dim_area WHERE area_level = 'municipality' AND employment_area_code = 'TA24'"
    ).df()["area_code"]
    cells = staged[staged["area_code"].isin(members)]
    expected = (
        cells.pivot_table(index=["month", "occupation_code"], columns="measure", values="value", aggfunc="sum")
        .rename(columns={"TYOTTOMATLOPUSSA": "unemployed_expected", "AVPAIKATLOPUSSA": "vacancies_expected"})
        .reset_index()
    )
    expected["month"] = pd.to_datetime(expected["month"])
    mart = serving.execute("SELECT * FROM mart_occupation_mismatch WHERE area_code = 'TA24'").df()
    mart["month"] = pd.to_datetime(mart["month"])
    joined = mart.merge(expected, on=["month", "occupation_code"], how="inner")
    assert len(joined) == len(mart) > 0
    np.testing.assert_allclose(joined["unemployed"], joined["unemployed_expected"])
    np.testing.assert_allclose(joined["open_vacancies"], joined["vacancies_expected"])
    # the class rule on the latest month, from 12-month sums
    latest = mart["month"].max()
    window = joined[(joined["month"] > latest - pd.DateOffset(months=12)) & (joined["month"] <= latest)]
    sums = window.groupby("occupation_code")[["unemployed", "open_vacancies"]].sum()
    area_ratio = sums["open_vacancies"].sum() / sums["unemployed"].sum()
    ratio = sums["open_vacancies"] / sums["unemployed"]
    volume = (sums["unemployed"] + sums["open_vacancies"]) / 12
    rule = np.select(
        [volume < 10, ratio >= 2 * area_ratio, 2 * ratio <= area_ratio], ["too_small", "shortage", "surplus"], "balance"
    )
    now = mart[mart["month"] == latest].set_index("occupation_code")["balance_class"]
    assert (now.loc[sums.index] == pd.Series(rule, index=sums.index)).all()
    assert set(now) >= {"shortage", "surplus"}


def test_benefit_cost_per_resident_and_year_on_year(serving: duckdb.DuckDBPyConnection) -> None:
    mart = serving.execute(
        "SELECT * FROM mart_municipal_benefit_cost WHERE area_code = 'TA24' AND is_total_class ORDER BY month"
    ).df()
    # one benefit (Yleistuki, from 2026-05) in the latest three months
    assert len(mart) > 0 and mart["is_provisional"].sum() == 3
    population = serving.execute(
        "SELECT year, working_age_population FROM fct_population_yearly WHERE area_code = 'TA24'"
    ).df()
    row = mart.iloc[-1]
    year = population[population["year"] <= row["month"].year - 1]["year"].max()
    working_age = population.set_index("year").loc[year, "working_age_population"]
    assert row["euros_per_working_age_resident"] == pytest.approx(row["euros_paid"] / working_age)
    assert row["municipal_share_per_working_age_resident"] == pytest.approx(row["municipal_share_eur"] / working_age)
    assert pd.isna(row["recipients_year_ago"]), "Yleistuki has no year-ago month before 2027-05"
    row = mart[mart["recipients_year_ago"].notna()].iloc[-1]
    same = mart[(mart["benefit"] == row["benefit"]) & (mart["month"] == row["month"] - pd.DateOffset(months=12))]
    assert row["recipients_change_12m_pct"] == pytest.approx(100 * (row["recipients"] / same.iloc[0]["recipients"] - 1))
