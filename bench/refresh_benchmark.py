"""Time a cold sample refresh and report its peak memory (a benchmark, not a test).

    .venv/bin/python bench/refresh_benchmark.py [--runs 3]

Aim (issue: walking skeleton): under 60 s wall time on the 2-core reference machine, install excluded.
Each run starts from an empty data directory and a fresh process, as a new user's first refresh would.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run() -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, less sensitive to other load) and peak resident MiB."""
    with tempfile.TemporaryDirectory(prefix="tilannekuva-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
        env["TILANNEKUVA_DATA_DIR"] = str(Path(tmp) / "data")
        cpu = _cpu_children()
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "refresh"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        elapsed = time.perf_counter() - started
        if completed.returncode != 0:
            sys.exit(f"refresh failed:\n{completed.stdout}\n{completed.stderr}")
    # ru_maxrss of the children is the largest single child (the refresh or the dbt it starts), in KiB.
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, _cpu_children() - cpu, peak_mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    peak = 0.0
    for number in range(1, args.runs + 1):
        elapsed, cpu, peak = one_run()
        times.append(elapsed)
        print(f"run {number}: {elapsed:6.1f} s wall, {cpu:6.1f} s CPU, peak RSS so far {peak:7.1f} MiB", flush=True)
    median = statistics.median(times)
    verdict = "within" if median < TARGET_SECONDS else "OVER"
    spread = f"min {min(times):.1f}, max {max(times):.1f}"
    print(f"\ncold sample refresh: median {median:.1f} s ({spread}) over {args.runs} runs")
    print(f"peak memory (largest process): {peak:.0f} MiB")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"target < {TARGET_SECONDS:.0f} s: {verdict}; machine: {os.cpu_count()} CPUs, load average now {load}")


if __name__ == "__main__":
    main()
