"""Time a refresh when no source has changed (a benchmark, not a test).

    .venv/bin/python bench/no_change_refresh_benchmark.py [--runs 3] [--root /path/to/other/checkout]

Aim (issue 15): at most 4 s wall time on the 2-core reference machine. One cold refresh fills a
temporary data directory; each timed run then refreshes it again,
when every source answers "unchanged" (a one-cell probe or a list request per dataset, no data
download) and the dbt asset keeps the warehouse, so publish is skipped. Printed per run: wall time,
CPU time (user + system, less sensitive to other load on the machine) and whether the serving file
stayed byte-identical; then where the last run spent its time: process start-up and imports (until
the job starts), each phase and its slowest steps, and what follows it. `--root` times another
checkout's refresh (e.g. main's) with this benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from phases import breakdown

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 4.0


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def refresh(data_dir: Path, root: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, process start time and stdout of one `tilannekuva refresh`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
    env["TILANNEKUVA_DATA_DIR"] = str(data_dir)
    cpu = _cpu_children()
    started_at = time.time()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "refresh"], cwd=root, env=env, capture_output=True
    )
    if done.returncode != 0:
        sys.exit(f"refresh failed:\n{done.stdout.decode()}\n{done.stderr.decode()}")
    return time.perf_counter() - started, _cpu_children() - cpu, started_at, done.stdout.decode()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose refresh is timed (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tilannekuva-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        wall, cpu, _, _ = refresh(data_dir, args.root)
        print(f"cold refresh            {wall:6.1f} s wall  {cpu:6.1f} s CPU")
        serving = data_dir / "serving" / "tilannekuva.duckdb"
        before = _sha(serving)
        times = []
        for number in range(1, args.runs + 1):
            wall, cpu, started_at, out = refresh(data_dir, args.root)
            times.append(wall)
            kept = "kept" if "nothing changed, warehouse kept" in out else "REBUILT"
            same = "serving byte-identical" if _sha(serving) == before else "serving CHANGED"
            print(f"no-change refresh {number}     {wall:6.1f} s wall  {cpu:6.1f} s CPU  warehouse {kept}, {same}")
        print(f"where the last no-change run spent its time ({args.root}):")
        print("\n".join(breakdown(data_dir / "logs" / "last_refresh.jsonl", started_at, wall).lines()))
    median = statistics.median(times)
    verdict = "within" if median <= TARGET_SECONDS else "OVER"
    print(f"median no-change refresh {median:.1f} s: {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
