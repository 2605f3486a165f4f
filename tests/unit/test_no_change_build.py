"""The no-change decision: a build is skipped only when every input equals that of the last publish."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingestion.settings import Settings, load_settings
from orchestration import dbt
from orchestration.dbt import build_inputs, rebuild_reason, record_published_inputs


def _status(is_stale: bool = False, attempt: str = "ok") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["statfin"],
            "dataset": ["labour_market"],
            "source_table": ["StatFin/tyonv/12r5.px"],
            "landing_version": ["20261101T000000Z"],
            "source_updated": [pd.Timestamp("2026-11-01 05:00")],
            "fetched_at": [pd.Timestamp("2026-11-01 06:00")],
            "last_attempt_at": [pd.Timestamp.now()],
            "last_attempt_status": [attempt],
            "last_error": [None],
            "is_stale": [is_stale],
            "latest_period": ["2026M10"],
            "is_sample_data": [True],
        }
    )


def _published(tmp_path: Path, overdue_after: dt.date, is_overdue: bool) -> Settings:
    """A data dir as a good publish leaves it: staged files, dataset status, serving file, recorded inputs."""
    settings = load_settings(data_dir=tmp_path, mode="sample")
    (settings.staging_dir / "statfin").mkdir(parents=True)
    (settings.staging_dir / "pipeline").mkdir(parents=True)
    pd.DataFrame({"value": [1, 2, 3]}).to_parquet(settings.staging_dir / "statfin" / "labour_market.parquet")
    _status().to_parquet(settings.staging_dir / "pipeline" / "dataset_status.parquet")
    settings.serving_dir.mkdir(parents=True)
    settings.build_dir.mkdir(parents=True)
    with duckdb.connect(str(settings.serving_path)) as con:
        con.execute(
            "CREATE TABLE mart_data_freshness AS SELECT ?::DATE AS overdue_after, ? AS is_overdue",
            [overdue_after, is_overdue],
        )
    record_published_inputs(settings, build_inputs(settings))
    return settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return _published(tmp_path, dt.date(2999, 1, 1), is_overdue=False)


def test_nothing_changed_keeps_the_build(settings: Settings) -> None:
    # A later attempt that answers "unchanged" rewrites the status with a new time and outcome only.
    _status(attempt="unchanged").to_parquet(settings.staging_dir / "pipeline" / "dataset_status.parquet")
    assert rebuild_reason(settings) is None


def test_a_changed_staged_file_rebuilds(settings: Settings) -> None:
    pd.DataFrame({"value": [1, 2, 4]}).to_parquet(settings.staging_dir / "statfin" / "labour_market.parquet")
    assert rebuild_reason(settings) == "changed since the last publish: staging/statfin/labour_market.parquet"


def test_a_new_staged_dataset_rebuilds(settings: Settings) -> None:
    (settings.staging_dir / "kela").mkdir()
    pd.DataFrame({"value": [1]}).to_parquet(settings.staging_dir / "kela" / "unemployment_benefit.parquet")
    assert "staging/kela/unemployment_benefit.parquet" in (rebuild_reason(settings) or "")


def test_a_source_turning_stale_rebuilds(settings: Settings) -> None:
    _status(is_stale=True, attempt="failed").to_parquet(settings.staging_dir / "pipeline" / "dataset_status.parquet")
    assert rebuild_reason(settings) == "changed since the last publish: dataset_status"


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"sources": ("statfin",)}, "TILANNEKUVA_SOURCES"),
        ({"postgres_url": "postgresql://analyst@db.example/tilannekuva"}, "TILANNEKUVA_POSTGRES_URL"),
    ],
)
def test_a_changed_setting_rebuilds_naming_it(settings: Settings, override: dict[str, object], variable: str) -> None:
    changed = load_settings(data_dir=settings.data_dir, mode="sample", **override)
    assert rebuild_reason(changed) == f"changed since the last publish: settings/{variable}"


def test_a_changed_mode_rebuilds_naming_it(settings: Settings) -> None:
    # Live mode's outputs differ from the sample's even on equal staged files (is_sample_data).
    changed = settings.model_copy(update={"mode": "live"})
    assert rebuild_reason(changed) == "changed since the last publish: settings/TILANNEKUVA_MODE"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the dbt project that the digest reads instead of the real one, so a test may edit it."""
    copy = tmp_path / "dbt_project"
    shutil.copytree(dbt.DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    monkeypatch.setattr(dbt, "DBT_PROJECT_DIR", copy)
    return copy


@pytest.mark.parametrize(
    "edited",
    [
        "models/marts/labour_market/fct_labour_market_monthly.sql",
        "models/marts/labour_market/fct_labour_market_monthly.yml",
        "macros/labour_market_measures.sql",
        "seeds/indicator_definitions.csv",
        "tests/assert_labour_market_aggregates_consistent.sql",
        "dbt_project.yml",
        "profiles.yml",
    ],
)
def test_an_edited_project_file_rebuilds_naming_it(project: Path, tmp_path: Path, edited: str) -> None:
    """A deploy that changes only SQL (or a macro, seed, test or config) must not keep serving the old marts."""
    settings = _published(tmp_path / "data", dt.date(2999, 1, 1), is_overdue=False)
    assert rebuild_reason(settings) is None
    path = project / edited
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert rebuild_reason(settings) == f"changed since the last publish: dbt_project/{edited}"


def test_a_removed_project_file_rebuilds_naming_it(project: Path, tmp_path: Path) -> None:
    settings = _published(tmp_path / "data", dt.date(2999, 1, 1), is_overdue=False)
    (project / "macros" / "format_number.sql").unlink()
    assert rebuild_reason(settings) == "changed since the last publish: dbt_project/macros/format_number.sql"


def test_an_overdue_flag_flipping_today_rebuilds(tmp_path: Path) -> None:
    settings = _published(tmp_path, dt.date(2020, 1, 1), is_overdue=False)
    assert rebuild_reason(settings) == "a dataset's overdue flag in mart_data_freshness changes today"


def test_without_an_earlier_publish_it_builds(settings: Settings) -> None:
    settings.serving_path.unlink()
    assert rebuild_reason(settings) == "no earlier publish to keep"
