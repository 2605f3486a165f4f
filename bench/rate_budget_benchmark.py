"""Benchmark: a national refresh of every PxWeb dataset against a server that enforces StatFin's limits.

    .venv/bin/python bench/rate_budget_benchmark.py [--config 10/60/60000 --config 40/60/120000] [--scale 1]

The loopback fault server (tests/faults/server.py) answers from the sample snapshot in PxWeb's real
formats, announces the given `maxCalls/timeWindow/maxCells` in `?config` and enforces them per client
like StatFin: a call over the budget of any window gets 429 (without Retry-After unless
`--retry-after`), a query over the cell limit 403. Each PxWeb dataset is then landed in live mode,
one after another through one session, from a fresh data directory (so nothing is "unchanged").
Printed per dataset and in total: calls (config, listings, metadata, probe and data queries, retries
included), cells asked for, 429s, wall time, and the least time the budget allows for the calls of the
run so far (the budget is shared, so a dataset may wait for the calls of the one before it).
With the real-looking 10 calls / 60 s a run takes several minutes: that is the budget, not the code.
`--scale 10` divides every window by ten for a quick look.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from ingestion.budget import margin_for  # noqa: E402
from ingestion.catalogue import DATASETS  # noqa: E402
from ingestion.http import make_session  # noqa: E402
from ingestion.pxweb import land_pxweb_table  # noqa: E402
from ingestion.settings import load_settings  # noqa: E402
from tests.faults.server import FaultServer  # noqa: E402

DEFAULT_CONFIGS = ("10/60/60000", "40/60/120000")


def _config(text: str) -> tuple[int, float, int]:
    try:
        calls, window, cells = text.split("/")
        return int(calls), float(window), int(cells)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected maxCalls/timeWindow/maxCells like 10/60/60000, got {text!r}"
        ) from None


def least_seconds(calls: int, max_calls: int, window: float) -> float:
    """The shortest time `calls` calls can take when at most `max_calls` may fall in any window (plus margin)."""
    return max(0, math.ceil(calls / max_calls) - 1) * (window + margin_for(window))


def run(
    max_calls: int, window: float, max_cells: int, retry_after: int | None
) -> list[tuple[str, int, int, int, float]]:
    """Land every PxWeb dataset against a server enforcing these limits; one row per dataset."""
    rows = []
    with FaultServer(max_requests=100_000, max_seconds=7200) as server:
        server.announce(max_calls, window, max_cells, retry_after=retry_after)
        with tempfile.TemporaryDirectory(prefix="rate-budget-") as data_dir:
            settings = load_settings(data_dir=Path(data_dir), mode="live", pxweb_base_url=server.pxweb_base_url)
            session = make_session(settings)
            for dataset in (d for d in DATASETS if d.source == "statfin"):
                seen = len(server.px_calls)
                started = time.monotonic()
                land_pxweb_table(settings, session, dataset)
                elapsed = time.monotonic() - started
                calls = server.px_calls[seen:]
                cells = sum(c.cells for c in calls if c.status == 200)
                refused = sum(1 for c in calls if c.status == 429)
                rows.append((f"{dataset.table} ({dataset.name})", len(calls), cells, refused, elapsed))
                so_far = sum(r[1] for r in rows)
                print(_line(*rows[-1], least_seconds(so_far, max_calls, window)), flush=True)
        busiest = server.max_calls_in_window()
    total = sum(r[1] for r in rows)
    print(
        _line(
            "total",
            total,
            sum(r[2] for r in rows),
            sum(r[3] for r in rows),
            sum(r[4] for r in rows),
            least_seconds(total, max_calls, window),
        )
    )
    print(f"most calls the server saw in any {window:g} s window: {busiest} (announced {max_calls})")
    return rows


def _line(name: str, calls: int, cells: int, refused: int, seconds: float, least: float) -> str:
    return f"{name:<45} {calls:>6} {cells:>10} {refused:>5} {seconds:>9.1f} {least:>11.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", action="append", type=_config, help="maxCalls/timeWindow/maxCells (repeatable)")
    parser.add_argument("--scale", type=float, default=1.0, help="divide every window by this (default 1: real time)")
    parser.add_argument("--retry-after", type=int, default=None, help="send Retry-After with the server's 429s")
    args = parser.parse_args()
    configs = args.config or [_config(c) for c in DEFAULT_CONFIGS]
    refused = 0
    for max_calls, window, max_cells in configs:
        window = window / args.scale
        print(f"\n?config: maxCalls {max_calls}, timeWindow {window:g} s, maxCells {max_cells}")
        print(f"{'dataset':<45} {'calls':>6} {'cells':>10} {'429s':>5} {'wall s':>9} {'least run s':>11}")
        rows = run(max_calls, window, max_cells, args.retry_after)
        refused += sum(r[3] for r in rows)
    return 1 if refused else 0


if __name__ == "__main__":
    raise SystemExit(main())
