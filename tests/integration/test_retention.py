"""Landing retention on a real refresh: older versions go, the published one always stays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingestion.settings import load_settings
from orchestration.assets.retention import prune_landing, published_versions
from tests.conftest import CliRun

pytestmark = pytest.mark.integration


def test_retention_never_deletes_the_published_version(sample_refresh: CliRun, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(sample_refresh.data_dir, data_dir, symlinks=True)
    settings = load_settings(data_dir=data_dir, mode="sample", landing_keep_versions=1)
    root = settings.landing_dir / "statfin" / "labour_market"
    [published] = [p for p in root.iterdir() if p.is_dir()]
    assert published.name in published_versions(settings.serving_path)
    newer = [root / f"2999010{d}T000000000000Z" for d in (1, 2)]
    for path in newer:
        shutil.copytree(published, path)

    pruned = prune_landing(settings)["statfin/labour_market"]
    assert pruned.removed == [newer[0].name]
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [published.name, newer[1].name]
    assert (root / "manifest.jsonl").exists(), "the attempt history is kept"
