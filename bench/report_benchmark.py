"""Time to make the monthly report: import, data load, rendering per language (a benchmark, not a test).

    .venv/bin/python bench/report_benchmark.py [--serving data/serving/tilannekuva.duckdb] [--area TA24] [--repeats 3]

Aim: the nightly asset (three languages) adds at most a few seconds to a refresh on the 2-core
reference machine. Prints the median of each step and the size of each file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingestion.settings import load_settings  # noqa: E402


def main() -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", type=Path, default=settings.serving_path)
    parser.add_argument("--area", default=settings.area)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    from serving.report.render import load_report_data, render_report, write_atomically
    from serving.report.text import LANGUAGES

    print(f"import (jinja2, babel, matplotlib)  {1000 * (time.perf_counter() - started):8.0f} ms")
    loads, renders = [], {lang: [] for lang in LANGUAGES}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            data = load_report_data(args.serving, args.area)
            loads.append(time.perf_counter() - t0)
            for lang in LANGUAGES:
                t0 = time.perf_counter()
                path = Path(tmp) / f"{lang}.html"
                write_atomically(path, render_report(data, lang))
                renders[lang].append(time.perf_counter() - t0)
                sizes[lang] = path.stat().st_size
    print(f"load data ({args.area} {data.month:%Y-%m})          {1000 * statistics.median(loads):8.0f} ms")
    for lang in LANGUAGES:
        median = 1000 * statistics.median(renders[lang])
        print(f"render + write {lang}                  {median:8.0f} ms  {sizes[lang] / 1024:6.0f} KiB")
    total = statistics.median(loads) + sum(statistics.median(v) for v in renders.values())
    print(f"asset work, three languages         {1000 * total:8.0f} ms")


if __name__ == "__main__":
    main()
