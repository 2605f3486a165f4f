"""Time a refresh when no source has changed (a benchmark, not a test).

    .venv/bin/python bench/no_change_refresh_benchmark.py [--runs 3]

Aim (issue: every source, refreshed incrementally): under 15 s wall time on the 2-core reference
machine. One cold refresh fills a temporary data directory; each timed run then refreshes it again,
when every source answers "unchanged" (a one-cell probe or a list request per dataset, no data
download). Printed separately: the ingestion part alone (every dataset's incremental check, in-process),
so framework and dbt start-up are visible as the rest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 15.0


def refresh(data_dir: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
    env["TILANNEKUVA_DATA_DIR"] = str(data_dir)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "refresh"], cwd=ROOT, env=env, capture_output=True
    )
    if done.returncode != 0:
        sys.exit(f"refresh failed:\n{done.stdout.decode()}\n{done.stderr.decode()}")
    return time.perf_counter() - started


def ingestion_checks(data_dir: Path) -> tuple[float, list[str]]:
    """Seconds for every dataset's landing check in one process, and the datasets found unchanged."""
    from ingestion.catalogue import DATASETS, OCCUPATION_CLASSIFICATION, PxWebDataset
    from ingestion.datasets import land_classification_items, land_municipality_areas, land_pxweb_table
    from ingestion.http import make_session
    from ingestion.settings import load_settings

    settings = load_settings(data_dir=data_dir, mode="sample")
    session = make_session(settings)
    started = time.perf_counter()
    unchanged = []
    for dataset in DATASETS:
        if isinstance(dataset, PxWebDataset):
            landed = land_pxweb_table(settings, session, dataset)
        elif dataset is OCCUPATION_CLASSIFICATION:
            landed = land_classification_items(settings, session)
        else:
            landed = land_municipality_areas(settings, session)
        if landed.unchanged:
            unchanged.append(f"{dataset.source}/{dataset.name}")
    return time.perf_counter() - started, unchanged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tilannekuva-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        print(f"cold refresh            {refresh(data_dir):6.1f} s")
        times = []
        for number in range(1, args.runs + 1):
            times.append(refresh(data_dir))
            print(f"no-change refresh {number}     {times[-1]:6.1f} s")
        seconds, unchanged = ingestion_checks(data_dir)
        print(
            f"ingestion checks only   {seconds:6.2f} s  ({len(unchanged)} datasets unchanged: {', '.join(unchanged)})"
        )
    median = statistics.median(times)
    verdict = "within" if median <= TARGET_SECONDS else "OVER"
    print(f"median no-change refresh {median:.1f} s: {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
