"""Time the nightly forecasting part (issue 14 item 6): forecasts and backtest for every area and indicator.

    .venv/bin/python bench/outlook_benchmark.py [--warehouse data/build/warehouse.duckdb] [--workers 1 2]

From a build warehouse (run `python3 tasks.py refresh` first), into temporary forecast folders:

- `first release`: nothing stored yet, so the 24 backtest origins of every series are computed
  (once per installation) beside the forecasts; made from a copy of the fact without its latest
  month, released a day earlier;
- `new release (nightly)`: the full fact, one month more: its backtest takes 23 origins from the
  first release's backtest and the 24th from its stored forecast, so only the forecasts are fitted;
- `same release again`: every later night until the next release: nothing to compute.

Printed per worker count: wall seconds and CPU seconds (this process and its workers). The aim is
under 20 s wall for the nightly case on the 2-core machine. This is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from serving.outlook import FACT, OutlookRun, run_outlook

ROOT = Path(__file__).resolve().parents[1]


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(step: Callable[[], OutlookRun]) -> tuple[OutlookRun, float, float]:
    wall, cpu = time.perf_counter(), _cpu_seconds()
    run = step()
    return run, time.perf_counter() - wall, _cpu_seconds() - cpu


def earlier_release(warehouse: Path, target: Path) -> Path:
    """A warehouse holding the fact without its latest month, stamped one day earlier: the release before."""
    with duckdb.connect(str(target)) as con:
        con.execute(f"ATTACH '{warehouse}' AS build (READ_ONLY)")
        con.execute("CREATE SCHEMA marts")
        con.execute(
            f"CREATE TABLE {FACT} AS SELECT * REPLACE (source_updated_at - INTERVAL 1 DAY AS source_updated_at) "
            f"FROM build.{FACT} WHERE month < (SELECT max(month) FROM build.{FACT})"
        )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "build" / "warehouse.duckdb")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if not args.warehouse.exists():
        raise SystemExit(f"no build warehouse at {args.warehouse}; run `python3 tasks.py refresh` first")
    print("| workers | run | series | backtest origins computed / reused | wall s | CPU s |")
    print("|---:|---|---:|---:|---:|---:|")
    for workers in args.workers:
        with tempfile.TemporaryDirectory(prefix="outlook-bench-") as tmp:
            root = Path(tmp) / "forecasts"
            before = earlier_release(args.warehouse, Path(tmp) / "before.duckdb")
            steps = (
                ("first release", lambda b=before, r=root, w=workers: run_outlook(b, r, workers=w)),
                ("new release (nightly)", lambda r=root, w=workers: run_outlook(args.warehouse, r, workers=w)),
                ("same release again", lambda r=root, w=workers: run_outlook(args.warehouse, r, workers=w)),
            )
            for name, step in steps:
                run, wall, cpu = _timed(step)
                origins = f"{run.backtest_origins_computed} / {run.backtest_origins_reused}"
                print(f"| {workers} | {name} | {run.series} | {origins} | {wall:.1f} | {cpu:.1f} |", flush=True)


if __name__ == "__main__":
    main()
