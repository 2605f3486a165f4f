"""The staging procedure on its own, without Dagster: quarantine, promotion, unchanged and empty files.

Landed versions are small real version directories (manifest plus a CSV of cells); the tidy function
reads them into a frame like a source's tidy would, and the validators are plain functions that pass
or fail, returning quality.runner.SuiteResult as every suite does.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ingestion import staging
from ingestion.errors import SourceError
from ingestion.landing import VersionManifest, read_manifest
from ingestion.settings import Settings, load_settings
from ingestion.staged_schemas import schema_of
from ingestion.staging import FrameStager, stage
from quality.runner import CheckOutcome, SuiteResult

SOURCE, NAME = "statfin", "labour_market"


@dataclass
class Dataset:
    source: str = SOURCE
    name: str = NAME


def suite_result(description: str, success: bool) -> SuiteResult:
    """A one-check result of the kind every quality suite returns."""
    return SuiteResult("validate_test", [CheckOutcome(description, "expect_test", NAME, success)])


def non_negative(frame: pd.DataFrame) -> SuiteResult:
    return suite_result("counts are non-negative", bool((frame["value"].dropna() >= 0).all()))


def always_fails(frame: pd.DataFrame) -> SuiteResult:
    return suite_result("rows look right", False)


def land(landing_dir: Path, version: str, values: list[float]) -> Path:
    """A complete landing version of two areas' cells, as a source's landing would leave it."""
    path = landing_dir / SOURCE / NAME / version
    path.mkdir(parents=True)
    manifest = VersionManifest(
        SOURCE,
        NAME,
        version,
        "sample",
        status="complete",
        source_updated="2026-11-20T08:00:00",
        details={"latest_period": "2026M10"},
    )
    (path / "manifest.json").write_text(json.dumps(asdict(manifest)), encoding="utf-8")
    cells = pd.DataFrame({"area_code": ["KU564", "TA24"][: len(values)], "value": values})
    cells.to_csv(path / "cells.csv", index=False)
    return path


def tidy(version: Path) -> pd.DataFrame:
    frame = pd.read_csv(version / "cells.csv")
    if frame.empty:
        raise SourceError(SOURCE, "cells.csv", version.name, "no cells in this version")
    frame["source_table"] = version.name
    return frame


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, mode="sample")


def test_a_passing_version_is_promoted_with_its_marker(settings: Settings) -> None:
    version = land(settings.landing_dir, "20261120T080000000000Z", [10.0, 20.0])
    stager = FrameStager.of(settings, SOURCE, NAME, tidy)
    outcome = stage(settings.landing_dir, Dataset(), stager, non_negative)
    assert outcome.status == "promoted" and outcome.rows == {NAME: 2} and outcome.version == version
    assert outcome.validation is not None and outcome.validation.success
    assert outcome.source == SOURCE and outcome.manifest == read_manifest(version) and outcome.extra == {}
    staged = settings.staging_dir / SOURCE / f"{NAME}.parquet"
    assert outcome.paths == {NAME: staged}
    assert pd.read_parquet(staged)["value"].tolist() == [10.0, 20.0]
    assert staged.with_name(f"{staged.name}.landing_version").read_text(encoding="utf-8") == version.name
    assert ("info", f"{SOURCE}/{NAME}: 2 rows → {staged}") in outcome.notes
    assert sorted(p.name for p in staged.parent.iterdir()) == [staged.name, f"{staged.name}.landing_version"]


def test_the_same_version_again_is_unchanged_and_not_tidied(settings: Settings) -> None:
    version = land(settings.landing_dir, "20261120T080000000000Z", [10.0, 20.0])
    stager = FrameStager.of(settings, SOURCE, NAME, tidy)
    stage(settings.landing_dir, Dataset(), stager, non_negative)
    staged = stager.path
    before = staged.stat().st_mtime_ns

    def no_tidy(version: Path) -> pd.DataFrame:
        raise AssertionError("an already staged version is not tidied again")

    outcome = stage(settings.landing_dir, Dataset(), FrameStager.of(settings, SOURCE, NAME, no_tidy), non_negative)
    assert outcome.status == "unchanged" and outcome.rows == {NAME: 2} and outcome.validation is None
    assert outcome.source == SOURCE and outcome.paths == {NAME: staged} and outcome.version == version
    assert outcome.notes == [("info", f"{SOURCE}/{NAME}: landing version {version.name} is already staged; unchanged")]
    assert staged.stat().st_mtime_ns == before


def test_memory_is_handed_back_after_a_tidy_only(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    releases: list[str] = []
    monkeypatch.setattr(staging, "return_freed_memory", lambda: releases.append("release"))
    stager = FrameStager.of(settings, SOURCE, NAME, tidy)
    assert stage(settings.landing_dir, Dataset(), stager, non_negative).status == "not_yet_available"
    land(settings.landing_dir, "20261120T080000000000Z", [10.0, 20.0])
    assert stage(settings.landing_dir, Dataset(), stager, non_negative).status == "promoted"
    assert releases == ["release"]
    assert stage(settings.landing_dir, Dataset(), stager, non_negative).status == "unchanged"
    assert releases == ["release"], "a no-change night tidies nothing, so it has nothing to hand back"
    land(settings.landing_dir, "20261127T080000000000Z", [10.0, -5.0])
    assert stage(settings.landing_dir, Dataset(), stager, non_negative).status == "quarantined"
    assert releases == ["release", "release"]


def test_a_failing_version_is_quarantined_and_the_promoted_file_stays(settings: Settings) -> None:
    good = land(settings.landing_dir, "20261120T080000000000Z", [10.0, 20.0])
    stager = FrameStager.of(settings, SOURCE, NAME, tidy)
    assert stage(settings.landing_dir, Dataset(), stager, non_negative).status == "promoted"
    staged = stager.path
    marker = staged.with_name(f"{staged.name}.landing_version")
    good_bytes = staged.read_bytes()

    bad = land(settings.landing_dir, "20261127T080000000000Z", [10.0, -5.0])
    outcome = stage(settings.landing_dir, Dataset(), stager, non_negative)
    assert outcome.status == "quarantined" and outcome.version == bad
    assert outcome.source == SOURCE and outcome.manifest == read_manifest(bad)
    assert outcome.rows == {} and outcome.extra == {}
    assert staged.read_bytes() == good_bytes, "the previous good file stays in use"
    assert marker.read_text(encoding="utf-8") == good.name
    quarantined = settings.staging_dir / "_quarantine" / SOURCE / f"{NAME}-{bad.name}.parquet"
    assert outcome.quarantine == quarantined
    assert pd.read_parquet(quarantined)["value"].tolist() == [10.0, -5.0]
    assert outcome.failure == (
        "validate_test: 1 of 1 expectations failed\n- counts are non-negative [expect_test]\n"
        f"Not promoted; quarantined in {quarantined}; the previous file stays."
    )

    # a suite that fails whatever the data: the same version is tried again next time, not skipped
    again = stage(settings.landing_dir, Dataset(), stager, always_fails)
    assert again.status == "quarantined" and staged.read_bytes() == good_bytes


def test_promotion_replaces_the_file_atomically(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    land(settings.landing_dir, "20261120T080000000000Z", [10.0, 20.0])
    stager = FrameStager.of(settings, SOURCE, NAME, tidy)
    stage(settings.landing_dir, Dataset(), stager, non_negative)
    old_bytes = stager.path.read_bytes()
    land(settings.landing_dir, "20261127T080000000000Z", [11.0, 21.0])
    renames: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        src, dst = Path(src), Path(dst)
        assert src.parent == dst.parent and src.name.startswith(f".{dst.name}.")
        assert dst.read_bytes() == old_bytes, "readers see the old file until the rename"
        renames.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)  # the rename in ingestion.durable
    outcome = stage(settings.landing_dir, Dataset(), stager, non_negative)
    assert outcome.status == "promoted" and [dst for _, dst in renames] == [stager.path]
    assert pd.read_parquet(stager.path)["value"].tolist() == [11.0, 21.0]
    assert not [p for p in stager.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_version_that_fails_to_tidy_leaves_the_files_untouched(settings: Settings) -> None:
    land(settings.landing_dir, "20261120T080000000000Z", [10.0, 20.0])
    stager = FrameStager.of(settings, SOURCE, NAME, tidy)
    stage(settings.landing_dir, Dataset(), stager, non_negative)
    good_bytes = stager.path.read_bytes()
    empty = land(settings.landing_dir, "20261127T080000000000Z", [])
    outcome = stage(settings.landing_dir, Dataset(), stager, non_negative)
    assert outcome.status == "failed" and outcome.validation is None
    assert outcome.source == SOURCE and outcome.paths == {NAME: stager.path} and outcome.rows == {}
    assert outcome.version == empty and outcome.manifest is not None and outcome.manifest.version == empty.name
    assert "no cells in this version" in outcome.failure
    assert stager.path.read_bytes() == good_bytes
    assert not (settings.staging_dir / "_quarantine").exists()


def test_no_good_version_yet_stages_an_empty_file_of_the_declared_schema(settings: Settings) -> None:
    stager = FrameStager.of(settings, SOURCE, NAME, tidy)
    marker = stager.path.with_name(f"{stager.path.name}.landing_version")
    marker.parent.mkdir(parents=True)
    marker.write_text("an older version", encoding="utf-8")
    outcome = stage(settings.landing_dir, Dataset(), stager, always_fails)
    assert outcome.status == "not_yet_available" and outcome.rows == {NAME: 0}
    assert outcome.source == SOURCE and outcome.paths == {NAME: stager.path}
    table = pq.read_table(stager.path)
    assert table.num_rows == 0 and table.schema.equals(schema_of(SOURCE, NAME), check_metadata=False)
    assert not marker.exists(), "the first version that lands is tidied and validated"
    assert outcome.notes == [("warning", f"{SOURCE}/{NAME}: not yet available; staged an empty file")]


def test_no_version_and_nothing_staged_before_stages_an_empty_file(settings: Settings) -> None:
    """The first run before anything has landed: no marker to remove, and that is fine."""
    stager = FrameStager.of(settings, SOURCE, NAME, tidy)
    outcome = stage(settings.landing_dir, Dataset(), stager, always_fails)
    assert outcome.status == "not_yet_available" and outcome.rows == {NAME: 0}
    assert pq.read_table(stager.path).num_rows == 0


def test_prh_plugs_in_its_own_writer(settings: Settings) -> None:
    """PRH's stager: one parse into five tables, promoted together; failing data moves aside as a folder."""
    from ingestion.http import make_session
    from ingestion.prh.land import land_all_companies
    from ingestion.prh.parse import StagedPrh
    from ingestion.prh.stage import TABLES, PrhStager

    landed = land_all_companies(settings, make_session(settings))
    dataset = Dataset("prh", "companies")
    seen: list[StagedPrh] = []

    def passes(staged: StagedPrh) -> SuiteResult:
        seen.append(staged)
        return suite_result("companies parsed", staged.companies_rows > 0)

    outcome = stage(settings.landing_dir, dataset, PrhStager(settings), passes)
    assert outcome.status == "promoted" and tuple(outcome.paths) == TABLES
    assert all(path.is_file() for path in outcome.paths.values())
    assert outcome.rows["companies"] == seen[0].companies_rows and outcome.rows["register_dumps"] == 1
    assert outcome.extra["register_history"]["folded"] is True
    companies = outcome.paths["companies"]
    assert companies.with_name("companies.parquet.landing_version").read_text(encoding="utf-8") == landed.path.name
    assert not list(companies.parent.glob(".scratch-*")), "the scratch folder is gone once promoted"
    before = {name: path.read_bytes() for name, path in outcome.paths.items()}

    bad = landed.path.with_name("29991231T000000000000Z")
    bad.mkdir()
    for entry in landed.path.iterdir():
        (bad / entry.name).write_bytes(entry.read_bytes())
    failed = stage(settings.landing_dir, dataset, PrhStager(settings), always_fails)
    assert failed.status == "quarantined"
    assert failed.quarantine == settings.staging_dir / "_quarantine" / "prh" / f"companies-{bad.name}"
    assert (failed.quarantine / "companies.parquet").is_file()
    assert {name: path.read_bytes() for name, path in outcome.paths.items()} == before, "every previous file stays"
    assert failed.failure.endswith("; the previous files stay.")


def test_staged_parquet_has_only_the_frame_columns(tmp_path: Path) -> None:
    """dbt reads the staged files with DuckDB: a pandas index written as a column would be a stray column."""
    frame = pd.DataFrame({"area_code": ["KU091", "KU049"], "value": [1.0, 2.0]}, index=[5, 7])
    path = tmp_path / "staged" / "x.parquet"
    staging.write_parquet_atomic(frame, path)
    assert pq.read_schema(path).names == ["area_code", "value"]
    assert not list(path.parent.glob(".*.tmp"))
