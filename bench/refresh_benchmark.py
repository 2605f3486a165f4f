"""Time a cold sample refresh and report its peak memory and where the time went (a benchmark, not a test).

    .venv/bin/python bench/refresh_benchmark.py [--runs 3] [--root /path/to/other/checkout]

Aim (issue 15): at most 30 s wall and 700 MB peak RSS on the 2-core reference machine, install
excluded. Each run starts from an empty data directory and a fresh process, as a new user's first
refresh would. Printed per run: wall and CPU time, the peak resident memory of each process (the
refresh and the dbt commands it starts), and the last run's time per phase (start-up, download,
parse + stage with quality, dbt build, publish and its sub-steps, report) with the ratio of the
whole run to its dbt build alone. `--root` runs another checkout's refresh (e.g. main's) with this
benchmark, so two versions can be compared in one sitting with the same measurement.
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

from phases import Breakdown, PeakSampler, breakdown

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 30.0
TARGET_MIB = 700 * 1e6 / 2**20  # 700 MB


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(root: Path, keep: Path | None = None) -> tuple[float, float, dict[str, tuple[float, str]], Breakdown]:
    """Wall seconds, CPU seconds (user + system, less sensitive to other load), per process its peak MiB and
    the step running when it was reached, and the phases."""
    with tempfile.TemporaryDirectory(prefix="tilannekuva-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
        data_dir = keep or Path(tmp) / "data"
        env["TILANNEKUVA_DATA_DIR"] = str(data_dir)
        cpu = _cpu_children()
        started_at = time.time()
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "refresh"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        sampler = PeakSampler(process.pid)
        out, err = process.communicate()
        elapsed = time.perf_counter() - started
        sampler.stop()
        if process.returncode != 0:
            sys.exit(f"refresh failed:\n{out}\n{err}")
        phases = breakdown(data_dir / "logs" / "last_refresh.jsonl", started_at, elapsed)
    peaks = {label: (mib, phases.step_at(sampler.when[label])) for label, mib in sampler.peaks.items()}
    return elapsed, _cpu_children() - cpu, peaks, phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose refresh is timed (default: this one)")
    parser.add_argument("--keep", type=Path, help="data directory to refresh into and keep (must not exist; one run)")
    args = parser.parse_args()
    if args.keep and (args.keep.exists() or args.runs != 1):
        parser.error("--keep needs a data directory that does not exist yet and --runs 1")
    times: list[float] = []
    peak_by_process: dict[str, tuple[float, str]] = {}
    phases = None
    for number in range(1, args.runs + 1):
        elapsed, cpu, peaks, phases = one_run(args.root, args.keep)
        times.append(elapsed)
        for label, (mib, step) in peaks.items():
            if mib > peak_by_process.get(label, (0.0, ""))[0]:
                peak_by_process[label] = (mib, step)
        largest = max((mib for mib, _ in peaks.values()), default=0.0)
        dbt = f", dbt build {phases.dbt_build:.1f} s" if phases.dbt_build else ""
        print(f"run {number}: {elapsed:6.1f} s wall, {cpu:6.1f} s CPU, peak RSS {largest:7.1f} MiB{dbt}", flush=True)
    assert phases is not None
    print(f"\nwhere run {args.runs} spent its time ({args.root}):")
    print("\n".join(phases.lines()))
    print("peak resident memory per process (largest over the runs) and the step it was reached in:")
    for label, (mib, step) in sorted(peak_by_process.items(), key=lambda kv: -kv[1][0]):
        print(f"  {mib:7.1f} MiB  {label:<36} during {step}")
    peak = max((mib for mib, _ in peak_by_process.values()), default=0.0)
    median = statistics.median(times)
    spread = f"min {min(times):.1f}, max {max(times):.1f}"
    print(f"\ncold sample refresh: median {median:.1f} s ({spread}) over {args.runs} runs")
    print(f"peak memory (largest process): {peak:.0f} MiB")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    wall_ok = "within" if median <= TARGET_SECONDS else "OVER"
    rss_ok = "within" if peak <= TARGET_MIB else "OVER"
    print(
        f"target ≤ {TARGET_SECONDS:.0f} s: {wall_ok}; target ≤ 700 MB ({TARGET_MIB:.0f} MiB): {rss_ok}; "
        f"machine: {os.cpu_count()} CPUs, load average now {load}"
    )


if __name__ == "__main__":
    main()
