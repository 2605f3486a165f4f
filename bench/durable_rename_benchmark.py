"""What flushing before each publishing rename costs (a benchmark, not a test).

    .venv/bin/python bench/durable_rename_benchmark.py [DATA_DIR]   # default: ./data after a refresh

Every rename that publishes a file or folder (landing versions, staged Parquet, the PRH history, the
serving file and its exports, the report) now fsyncs the content first and the directory after
(`ingestion/durable.py`). A cold refresh writes each of those files once, so flushing every file under
the data directory of a finished refresh is an upper bound on what the refresh pays. The files are
rewritten first (same bytes, fresh pages in the page cache), since flushing clean pages costs nothing.
Printed: files and bytes flushed, and the seconds it took.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ingestion.durable import fsync_tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", default="data", type=Path)
    args = parser.parse_args()
    published = [args.data_dir / part for part in ("landing", "staging", "serving") if (args.data_dir / part).is_dir()]
    if not published:
        sys.exit(f"{args.data_dir} holds no landing, staging or serving folder: run `python3 tasks.py refresh` first.")
    files = [p for root in published for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    size = 0
    for path in files:
        data = path.read_bytes()
        size += len(data)
        with path.open("r+b") as fh:
            fh.write(data)
    started = time.perf_counter()
    for root in published:
        fsync_tree(root)
    seconds = time.perf_counter() - started
    print(f"flushed {len(files)} files, {size / 1e6:.1f} MB, under {', '.join(str(p) for p in published)}")
    print(f"fsync time: {seconds:.2f} s (an upper bound on what durable renames add to a cold refresh)")
    if os.name == "nt":
        print("(Windows: directories are not flushed.)")


if __name__ == "__main__":
    main()
