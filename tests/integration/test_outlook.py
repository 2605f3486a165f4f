"""The outlook on the sample refresh: forecasts per area stored per release, published with their accuracy record."""

from __future__ import annotations

import duckdb
import pytest
from dagster import AssetKey

from orchestration.definitions import defs
from serving.outlook import PARTIAL_DIR, release_folders
from tests.conftest import CliRun

pytestmark = pytest.mark.integration

FORECASTS = AssetKey(["staging", "forecasts", "forecast"])


def test_forecasts_run_between_the_fact_and_the_forecast_marts() -> None:
    graph = defs.resolve_asset_graph()
    assert AssetKey(["marts", "fct_labour_market_monthly"]) in graph.get(FORECASTS).parent_keys
    assert FORECASTS in graph.get(AssetKey(["staging", "stg_forecasts__forecast"])).parent_keys
    publish_parents = graph.get(AssetKey(["serving", "tilannekuva"])).parent_keys
    assert {AssetKey(["marts", "mart_forecast"]), AssetKey(["marts", "mart_forecast_accuracy"])} <= publish_parents


def test_every_area_and_indicator_is_forecast_and_scored(
    sample_refresh: CliRun, serving: duckdb.DuckDBPyConnection
) -> None:
    root = sample_refresh.data_dir / "forecasts"
    releases = [p.name for p in release_folders(root)]
    assert len(releases) == 1
    # Nothing else where dbt's glob looks; the release was written under .partial/ and renamed out of it.
    assert sorted(p.name for p in root.iterdir()) == [PARTIAL_DIR, releases[0]]
    assert not any((root / PARTIAL_DIR).iterdir())
    areas = serving.execute(
        "SELECT count(*) FROM dim_area WHERE area_level IN ('employment_area', 'region', 'country')"
    ).fetchone()[0]
    per_area = serving.execute(
        "SELECT area_code, count(DISTINCT indicator), count(DISTINCT method), min(horizon), max(horizon), "
        "bool_and(lo95 <= lo80 AND lo80 <= point AND point <= hi80 AND hi80 <= hi95) "
        "FROM mart_forecast GROUP BY area_code"
    ).fetchall()
    assert len(per_area) == areas
    assert {row[1:] for row in per_area} == {(5, 2, 1, 12, True)}
    assert serving.execute("SELECT DISTINCT release FROM mart_forecast").fetchall() == [(releases[0],)]
    pooled = dict(
        serving.execute(
            "SELECT method, avg(mae_relative_to_snaive) FROM mart_forecast_accuracy "
            "WHERE evaluation = 'backtest' AND scope = 'area_level' AND area_level = 'employment_area' "
            "GROUP BY method"
        ).fetchall()
    )
    assert pooled["snaive"] == pytest.approx(1.0)
    assert pooled["ets"] < 1  # on the sample's synthetic series ETS beats the baseline (docs/forecasting.md)
    exports = {p.name for p in sample_refresh.data_dir.joinpath("serving", "exports").iterdir()}
    assert {"mart_forecast.parquet", "mart_forecast_accuracy.parquet"} <= exports
