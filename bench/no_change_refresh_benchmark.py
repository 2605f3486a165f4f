"""Time a refresh when no source has changed (a benchmark, not a test).

    .venv/bin/python bench/no_change_refresh_benchmark.py [--runs 3]

Aim (issue: every source, refreshed incrementally): under 15 s wall time on the 2-core reference
machine. One cold refresh fills a temporary data directory; each timed run then refreshes it again,
when every source answers "unchanged" (a one-cell probe or a list request per dataset, no data
download) and the dbt asset keeps the warehouse, so publish is skipped. Printed per run: wall time,
CPU time (user + system, less sensitive to other load on the machine) and whether the serving file
stayed byte-identical; then where the last run spent its time: process start-up and imports (until
the job starts), each step of the job, and what follows it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15.0


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def refresh(data_dir: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, process start time and stdout of one `tilannekuva refresh`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
    env["TILANNEKUVA_DATA_DIR"] = str(data_dir)
    cpu = _cpu_children()
    started_at = time.time()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "refresh"], cwd=ROOT, env=env, capture_output=True
    )
    if done.returncode != 0:
        sys.exit(f"refresh failed:\n{done.stdout.decode()}\n{done.stderr.decode()}")
    return time.perf_counter() - started, _cpu_children() - cpu, started_at, done.stdout.decode()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def breakdown(data_dir: Path, started_at: float, wall: float) -> list[tuple[str, float]]:
    """Seconds before the job, per step of the job (from the run's event log), and after it."""
    events = [json.loads(line) for line in (data_dir / "logs" / "last_refresh.jsonl").read_text().splitlines()]

    def stamp(event: dict) -> float:
        return datetime.fromisoformat(event["time"]).timestamp()

    first, last = stamp(events[0]), stamp(events[-1])
    rows = [("start-up, imports, definitions, run creation", first - started_at)]
    starts: dict[str, float] = {}
    for event in events:
        if event["event"] == "STEP_START":
            starts[event["step"]] = stamp(event)
        elif event["event"] in ("STEP_SUCCESS", "STEP_FAILURE") and event["step"] in starts:
            rows.append((f"  step {event['step']}", stamp(event) - starts[event["step"]]))
    rows.append(("job in total (steps + event log writes)", last - first))
    rows.append(("after the job (summary, headline, exit)", started_at + wall - last))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tilannekuva-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        wall, cpu, _, _ = refresh(data_dir)
        print(f"cold refresh            {wall:6.1f} s wall  {cpu:6.1f} s CPU")
        serving = data_dir / "serving" / "tilannekuva.duckdb"
        before = _sha(serving)
        times = []
        for number in range(1, args.runs + 1):
            wall, cpu, started_at, out = refresh(data_dir)
            times.append(wall)
            kept = "kept" if "nothing changed, warehouse kept" in out else "REBUILT"
            same = "serving byte-identical" if _sha(serving) == before else "serving CHANGED"
            print(f"no-change refresh {number}     {wall:6.1f} s wall  {cpu:6.1f} s CPU  warehouse {kept}, {same}")
        print("where the last no-change run spent its time:")
        for label, seconds in breakdown(data_dir, started_at, wall):
            print(f"  {seconds:6.2f} s  {label}")
    median = statistics.median(times)
    verdict = "within" if median <= TARGET_SECONDS else "OVER"
    print(f"median no-change refresh {median:.1f} s: {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
