"""Benchmark: parse a PRH `all_companies` dump of 1 000 000 companies; print wall time, CPU time and peak RSS.

The dump is generated into a temporary directory, streamed record by record into the ZIP (never
held in memory), in the real YTJ v3 record shape: a pool of records from the sample generator is
repeated with fresh business ids (`--dump` reuses a dump written before). The parser
(`ingestion.prh.parse.parse_dump`, the code the pipeline runs: DuckDB, with an unpacking thread)
then runs in a child process, so its wall time, CPU time (user + system, over its threads) and peak
RSS are measured alone via `resource.getrusage(RUSAGE_CHILDREN)`. `--reference` times the reference
parse (ijson + `reduce_company`) instead. The load average is printed because other work on the
machine stretches wall time. Targets (issue 15): under 12 s and 400 MB peak RSS.

Run: `.venv/bin/python bench/prh_stream_benchmark.py [--companies N] [--keep DIR] [--dump ZIP] [--reference]`
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from ingestion.sample_snapshot.basics import read_classification  # noqa: E402
from ingestion.sample_snapshot.prh import business_ids, company_record  # noqa: E402

POOL = 4000
RSS_TARGET_MB = 400
TIME_TARGET_S = 12.0
CHILD = """
import json, sys, time
from pathlib import Path
from ingestion.prh.parse import parse_dump
started = time.perf_counter()
staged = parse_dump(Path(sys.argv[1]), Path(sys.argv[2]), max_uncompressed=64 * 1024**3,
                    reference=sys.argv[3] == "reference")
print(json.dumps({"seconds": time.perf_counter() - started, "companies": staged.companies_rows,
                  "situations": staged.situation_rows, "uncompressed_bytes": staged.uncompressed_bytes,
                  "parser": staged.parser}))
"""


def write_dump(path: Path, companies: int) -> int:
    """Stream `companies` records into a ZIP at `path`; returns the uncompressed JSON size."""
    rng = np.random.default_rng(1)
    municipalities = read_classification()
    ids = business_ids(POOL + companies, start=1_000_000)
    templates = []
    for i in range(POOL):
        record = company_record(rng, "0000000-0", i, municipalities[i % len(municipalities)])
        templates.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    info = zipfile.ZipInfo("all_companies.json", date_time=(2026, 11, 27, 3, 15, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    written = 0
    with zipfile.ZipFile(path, "w", compresslevel=1) as archive, archive.open(info, "w", force_zip64=True) as out:
        out.write(b"[\n")
        for i in range(companies):
            line = templates[i % POOL].replace("0000000-0", ids[POOL + i])
            data = (line if i == 0 else ",\n" + line).encode("utf-8")
            out.write(data)
            written += len(data)
        out.write(b"\n]\n")
    return written + 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the dump and Parquet here instead of a temporary dir")
    parser.add_argument("--dump", type=Path, help="parse this dump (written by an earlier --keep) instead")
    parser.add_argument("--reference", action="store_true", help="time the reference parse (ijson) instead")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="prh-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        dump = args.dump or work / "all_companies.zip"
        if args.dump is None:
            started = time.perf_counter()
            size = write_dump(dump, args.companies)
            print(
                f"generated {args.companies:,} companies: {size / 1e6:,.0f} MB JSON, "
                f"{dump.stat().st_size / 1e6:,.0f} MB ZIP in {time.perf_counter() - started:.1f} s"
            )
        size = zipfile.ZipFile(dump).infolist()[0].file_size
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(dump), str(work / "parsed"), "reference" if args.reference else "duckdb"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        result = json.loads(child.stdout.strip().splitlines()[-1])
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        parquet_mb = sum(p.stat().st_size for p in (work / "parsed").glob("*.parquet")) / 1e6
        seconds = result["seconds"]
        print(
            f"parsed {result['companies']:,} companies, {result['situations']:,} situations "
            f"→ {parquet_mb:.1f} MB Parquet ({result['parser']} parse)"
        )
        print(f"parse time      {seconds:.1f} s wall (child process {wall:.1f} s incl. start-up)")
        print(f"CPU time        {cpu:.1f} s (user + system, all threads, incl. start-up)")
        print(f"peak RSS        {peak_mb:,.0f} MB")
        print(f"load average    {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        print(f"throughput      {result['companies'] / seconds:,.0f} companies/s, {size / 1e6 / seconds:,.1f} MB/s")
        ok = peak_mb <= RSS_TARGET_MB and seconds <= TIME_TARGET_S
        print(f"targets         RSS ≤ {RSS_TARGET_MB} MB, ≤ {TIME_TARGET_S:.0f} s: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
