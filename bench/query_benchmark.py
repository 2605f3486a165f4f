"""p50/p95 latency of ten typical dashboard queries on the serving file (a benchmark, not a test).

    .venv/bin/python bench/query_benchmark.py [--serving data/serving/tilannekuva.duckdb] [--repeats 50]

Aim (issue #6): p95 under 50 ms per query on the 2-core reference machine. The queries are the ones
the BI connection test runs (serving/dashboard_queries.py). Each is timed on one long-lived
read-only connection, as a BI tool's connection pool would hold it, after one warm-up run; the cost
of opening a fresh read-only connection is measured and printed separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingestion.settings import load_settings  # noqa: E402
from serving.dashboard_queries import DASHBOARD_QUERIES  # noqa: E402

TARGET_P95_MS = 50.0


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", type=Path, default=None, help="serving file (default: from TILANNEKUVA_DATA_DIR)")
    parser.add_argument("--repeats", type=int, default=50, help="timed runs per query (default 50)")
    parser.add_argument("--area", default="TA24", help="employment area the filters use (default TA24)")
    args = parser.parse_args()
    serving = args.serving or load_settings().serving_path
    if not serving.is_file():
        sys.exit(f"no serving file at {serving}; run `tilannekuva refresh` first (or pass --serving).")

    opens = []
    for _ in range(20):
        started = time.perf_counter()
        duckdb.connect(str(serving), read_only=True).close()
        opens.append((time.perf_counter() - started) * 1000)

    results: dict[str, list[float]] = {}
    with duckdb.connect(str(serving), read_only=True) as con:
        for name, sql in DASHBOARD_QUERIES.items():
            con.execute(sql, {"area": args.area}).fetchall()
            samples = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                con.execute(sql, {"area": args.area}).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
            results[name] = samples

    size_mb = serving.stat().st_size / 1e6
    print(f"serving file {serving} ({size_mb:.1f} MB), {args.repeats} runs per query, area {args.area}")
    print(f"open read-only connection: p50 {statistics.median(opens):.1f} ms, p95 {percentile(opens, 95):.1f} ms\n")
    print(f"{'query':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for name, samples in results.items():
        p95 = percentile(samples, 95)
        worst = max(worst, p95)
        print(f"{name:34} {statistics.median(samples):8.1f} {p95:8.1f} {max(samples):8.1f}")
    everything = [s for samples in results.values() for s in samples]
    overall = statistics.median(everything), percentile(everything, 95), max(everything)
    print(f"{'all queries':34} {overall[0]:8.1f} {overall[1]:8.1f} {overall[2]:8.1f}")
    verdict = "meets" if worst < TARGET_P95_MS else "MISSES"
    print(f"\nworst per-query p95 {worst:.1f} ms {verdict} the target p95 < {TARGET_P95_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
