"""Landing retention keeps the newest N versions and never the published one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingestion.landing import prune_versions


def _version(root: Path, name: str) -> Path:
    path = root / "statfin" / "labour_market" / name
    path.mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps({"version": name.split(".")[0]}), encoding="utf-8")
    return path


def test_keeps_newest_and_protected_versions(tmp_path: Path) -> None:
    names = [f"2026010{d}T000000000000Z" for d in range(1, 7)]
    for name in names:
        _version(tmp_path, name)
    _version(tmp_path, "20260101T120000000000Z.failed")
    _version(tmp_path, "20260105T120000000000Z.failed")
    _version(tmp_path, "20260106T120000000000Z.failed")
    partial = _version(tmp_path, "20260107T000000000000Z.partial")
    pruned = prune_versions(tmp_path, "statfin", "labour_market", keep=2, protected={names[1]})
    left = {p.name for p in (tmp_path / "statfin" / "labour_market").iterdir()}
    kept_failed = {"20260105T120000000000Z.failed", "20260106T120000000000Z.failed"}
    assert left == {names[1], names[4], names[5], *kept_failed, partial.name}
    assert pruned.removed == sorted([names[0], names[2], names[3], "20260101T120000000000Z.failed"])
    assert pruned.kept == [names[1], names[4], names[5]]


def test_nothing_to_prune_and_bad_keep(tmp_path: Path) -> None:
    assert prune_versions(tmp_path, "statfin", "nothing", keep=3, protected=set()).removed == []
    _version(tmp_path, "20260101T000000000000Z")
    assert prune_versions(tmp_path, "statfin", "labour_market", keep=1, protected=set()).removed == []
    with pytest.raises(ValueError, match="keep=0"):
        prune_versions(tmp_path, "statfin", "labour_market", keep=0, protected=set())
