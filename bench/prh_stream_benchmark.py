"""Benchmark: stream-parse a PRH `all_companies` dump of 1 000 000 companies; print throughput and peak RSS.

The dump is generated into a temporary directory, streamed record by record into the ZIP (never
held in memory), in the real YTJ v3 record shape: a pool of records from the sample generator is
repeated with fresh business ids. The parser (`ingestion.prh.parse.parse_dump`, the code the pipeline
runs) then runs in a child process, so its peak RSS and CPU time are measured alone via
`resource.getrusage(RUSAGE_CHILDREN)`: CPU summed over the parser's processes, RSS of the largest
one (a dump this size is parsed as two halves in two processes, so together they hold at most
twice that). The load average is printed because other work on the machine stretches wall time.
Targets (issue 3): peak RSS under 1 GB and under 60 s.

Run: `.venv/bin/python bench/prh_stream_benchmark.py [--companies N] [--keep DIR]`
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
RSS_TARGET_MB = 1024
TIME_TARGET_S = 60.0
CHILD = """
import json, sys, time
from pathlib import Path
from ingestion.prh.parse import parse_dump
started = time.perf_counter()
staged = parse_dump(Path(sys.argv[1]), Path(sys.argv[2]), max_uncompressed=64 * 1024**3)
print(json.dumps({"seconds": time.perf_counter() - started, "companies": staged.companies_rows,
                  "situations": staged.situation_rows, "uncompressed_bytes": staged.uncompressed_bytes}))
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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="prh-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        dump = work / "all_companies.zip"
        started = time.perf_counter()
        size = write_dump(dump, args.companies)
        print(
            f"generated {args.companies:,} companies: {size / 1e6:,.0f} MB JSON, "
            f"{dump.stat().st_size / 1e6:,.0f} MB ZIP in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(dump), str(work / "parsed")],
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
            f"→ {parquet_mb:.1f} MB Parquet"
        )
        print(f"parse time      {seconds:.1f} s (child process wall {wall:.1f} s incl. start-up, CPU {cpu:.1f} s)")
        print(f"load average    {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        print(f"throughput      {result['companies'] / seconds:,.0f} companies/s, {size / 1e6 / seconds:,.1f} MB/s")
        print(f"peak RSS        {peak_mb:,.0f} MB (largest single process; a large dump is parsed by two)")
        ok = peak_mb < RSS_TARGET_MB and wall < TIME_TARGET_S
        print(f"targets         RSS < {RSS_TARGET_MB} MB, < {TIME_TARGET_S:.0f} s: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
