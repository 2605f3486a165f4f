"""The whole graph on the real 12r5, 11ra and 11re tables: official figures must come out of the marts.

The bundled sample snapshot is copied and its three tables are replaced by the real responses in
../shared/realdata (turned into the json-stat2 the pipeline asks for); every other dataset (classifications,
Kela, PRH, 12ti, business tables) stays the sample's. A live-mode refresh runs against that snapshot on the
loopback server, through the same clients, staging, quality gate, dbt build and publish as a night.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from ingestion.snapshot import SNAPSHOT_DIR
from tests.conftest import CliRun, run_cli
from tests.faults.server import FaultServer
from tests.helpers import pxweb_json_to_jsonstat2, realdata, write_pxweb_snapshot

pytestmark = [pytest.mark.integration, pytest.mark.realdata]

REAL_TABLES = {
    "statfin_tyonv_12r5_all_areas_2026M06_pxweb-json.json": "StatFin/tyonv/12r5.px",
    "statfin_vaerak_11ra_keyfigures_all_areas_2025_pxweb-json.json": "StatFin/vaerak/11ra.px",
    "statfin_vaerak_11re_population_by_sex_kunnat_2025_pxweb-json.json": "StatFin/vaerak/11re.px",
}


@pytest.fixture(scope="module")
def real_refresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliRun]:
    """A live-mode refresh of the sample snapshot with the real 12r5, 11ra and 11re in place of the sample's."""
    documents = {table: json.loads(realdata(name).read_text(encoding="utf-8")) for name, table in REAL_TABLES.items()}
    root = tmp_path_factory.mktemp("realsnap") / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    config = (root / "pxweb" / "config.json").read_text(encoding="utf-8")
    for table, document in documents.items():
        write_pxweb_snapshot(root, table, pxweb_json_to_jsonstat2(document))
    (root / "pxweb" / "config.json").write_text(config, encoding="utf-8")
    data_dir = root.parent / "data"
    with FaultServer(root=root) as server:
        result = run_cli("refresh", data_dir=data_dir, env=server.env(), timeout=900)
    assert result.returncode == 0, f"refresh failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    yield result


@pytest.fixture(scope="module")
def serving(real_refresh: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(real_refresh.serving_path), read_only=True)
    yield con
    con.close()


def _fact(serving: duckdb.DuckDBPyConnection, area: str) -> pd.Series:
    rows = serving.execute(
        "SELECT * FROM fct_labour_market_monthly WHERE area_code = ? AND month = DATE '2026-06-01'", [area]
    ).df()
    assert len(rows) == 1, f"{area}: {len(rows)} rows for 2026M06"
    return rows.iloc[0]


def test_official_unemployment_figures_reach_the_fact(serving: duckdb.DuckDBPyConnection) -> None:
    ta24 = _fact(serving, "TA24")
    assert (ta24["unemployed"], ta24["labour_force"]) == (19_981, 140_600)
    assert ta24["unemployment_rate"] == pytest.approx(14.2, abs=1e-9)  # 14.21 % rounded to one decimal
    assert _fact(serving, "KU564")["unemployed"] == 16_647
    country = _fact(serving, "SSS")
    assert country["unemployed"] == 352_001 and country["published_unemployment_rate"] == pytest.approx(12.8)


def test_official_figures_reach_the_situational_picture(serving: duckdb.DuckDBPyConnection) -> None:
    picture = serving.execute(
        "SELECT indicator_code, value, is_lower_bound FROM mart_situational_picture "
        "WHERE area_code = 'TA24' AND month = DATE '2026-06-01'"
    ).df()
    values = picture.set_index("indicator_code")
    assert values.loc["unemployment_rate", "value"] == pytest.approx(100 * 19_981 / 140_600, abs=1e-9)
    assert values.loc["unemployed", "value"] == 19_981
    vacancies = values.loc["open_vacancies"]
    assert vacancies["value"] >= 828 and bool(vacancies["is_lower_bound"]), "TA24 sums over a suppressed cell"


def test_every_employment_area_population_is_its_official_figure(serving: duckdb.DuckDBPyConnection) -> None:
    key_figures = json.loads(
        realdata("statfin_vaerak_11ra_keyfigures_all_areas_2025_pxweb-json.json").read_text(encoding="utf-8")
    )
    contents = [c["code"] for c in key_figures["columns"] if c["type"] == "c"]
    population = contents.index("vaerak-vaesto")
    expected = {
        row["key"][0]: int(row["values"][population]) for row in key_figures["data"] if row["key"][0].startswith("TA")
    }
    assert len(expected) == 46
    published = serving.execute(
        "SELECT area_code, population, official_population FROM fct_population_yearly "
        "WHERE area_level = 'employment_area' AND year = 2025"
    ).df()
    # the sum of the real 11re municipal populations, and the published 11ra figure beside it
    assert dict(zip(published["area_code"], published["population"], strict=True)) == expected
    assert dict(zip(published["area_code"], published["official_population"], strict=True)) == expected
