"""The first night publishes what it has (issue 17 item 6).

A fresh data directory with only the core enabled (12r5 and the area classification) must publish:
the other datasets are staged as empty files, their marts are empty, and `status`, the freshness
mart and the report say "not yet available". Enabling everything on the same directory fills the
rest. Without the core the run fails in one sentence and publishes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.integration

CORE = ("statfin/labour_market", "classifications/municipality_areas")
# Two whole refreshes: a shorter history keeps every table and mart in play at a fraction of the rows.
SHORT = {"TILANNEKUVA_HISTORY_START": "2025M01"}


def _freshness(serving: Path) -> dict[str, tuple[bool, str | None]]:
    with duckdb.connect(str(serving), read_only=True) as con:
        rows = con.execute(
            "SELECT source || '/' || dataset, is_available, landing_version FROM mart_data_freshness"
        ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def _count(serving: Path, table: str) -> int:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]


def test_only_the_core_publishes_and_the_next_night_fills_the_rest(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = run_cli("refresh", data_dir=data_dir, env={**SHORT, "TILANNEKUVA_SOURCES": ",".join(CORE)})
    assert first.returncode == 0, f"core-only refresh failed:\n{first.stdout}\n{first.stderr}"
    serving = data_dir / "serving" / "tilannekuva.duckdb"
    assert serving.exists()

    freshness = _freshness(serving)
    assert len(freshness) > len(CORE)
    for name, (available, version) in freshness.items():
        assert available is (name in CORE), name
        assert (version is not None) is (name in CORE), name
    assert _count(serving, "fct_labour_market_monthly") > 0
    assert _count(serving, "dim_area") > 0
    for table in ("mart_business_dynamics", "mart_municipal_benefit_cost"):
        assert _count(serving, table) == 0, table
    # empty staged files, never mistaken for a good version
    assert (data_dir / "staging" / "prh" / "company_situations.parquet").exists()
    assert not (data_dir / "staging" / "prh" / "companies.parquet.landing_version").exists()

    status = run_cli("status", "--json", data_dir=data_dir)
    assert status.returncode == 0, status.stderr
    rows = {d["dataset"]: d for d in json.loads(status.stdout)["datasets"]}
    for name, row in rows.items():
        assert row["available"] is (name in CORE), name
        if name not in CORE:
            assert row["stale_reason"].startswith("not yet available: its source is disabled"), row
    text = run_cli("status", data_dir=data_dir).stdout
    assert "NOT YET AVAILABLE (its source is disabled by TILANNEKUVA_SOURCES)" in text

    reports = {
        p.name.rsplit("_", 1)[-1]: p.read_text(encoding="utf-8")
        for p in (data_dir / "serving" / "reports").glob("*.html")
    }
    assert "not yet available" in reports["en.html"]
    assert "ei vielä saatavilla" in reports["fi.html"]
    assert "ännu inte tillgänglig" in reports["sv.html"]

    second = run_cli("refresh", data_dir=data_dir, env=SHORT)
    assert second.returncode == 0, f"full refresh after the core-only one failed:\n{second.stdout}\n{second.stderr}"
    freshness = _freshness(serving)
    assert all(available for available, _ in freshness.values()), freshness
    for table in ("mart_business_dynamics", "mart_municipal_benefit_cost"):
        assert _count(serving, table) > 0, table


def test_without_the_core_the_run_fails_in_one_sentence_and_publishes_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = run_cli("refresh", data_dir=data_dir, env={"TILANNEKUVA_SOURCES": "kela"})
    assert result.returncode == 1, f"{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip() == (
        "statfin/labour_market and classifications/municipality_areas have no good version yet "
        "(their sources are disabled by TILANNEKUVA_SOURCES=kela); "
        "the core data (12r5 and the area classification) are needed to publish."
    )
    assert not (data_dir / "serving" / "tilannekuva.duckdb").exists()
