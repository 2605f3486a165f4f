"""A reader process for the concurrency test: queries the serving file (or the exports) in a loop.

Run as `python -m tests.integration.serving_reader MODE DATA_DIR STOP_FILE OUT_FILE`; writes a JSON
summary (answers seen, with counts, and every error) when STOP_FILE appears or after 120 s. After each
query it also replaces OUT_FILE.progress with its query count and the number of distinct answers, so
the test can publish until every reader has done enough work, however loaded the machine is.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb

# One statement: the build's own stamp and data from two marts, so a mixed answer would show.
QUERY = """
SELECT (SELECT strftime(max(published_at), '%Y-%m-%dT%H:%M:%S.%f') FROM publish_info),
       (SELECT sum(unemployed) FROM fct_labour_market_monthly),
       (SELECT max(name_en) FROM dim_area WHERE area_code = 'SSS')
"""


def read_exports(serving: Path) -> tuple[str, int, str]:
    """Resolve the exports link once, then read the manifest and the files of that one version."""
    folder = Path(os.path.realpath(serving / "exports"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    total = con.execute(f"SELECT sum(unemployed) FROM '{folder}/fct_labour_market_monthly.parquet'").fetchone()[0]
    marker = con.execute(f"SELECT name_en FROM '{folder}/dim_area.csv' WHERE area_code = 'SSS'").fetchone()[0]
    rows = con.execute(f"SELECT count(*) FROM '{folder}/fct_labour_market_monthly.csv'").fetchone()[0]
    if rows != manifest["tables"]["fct_labour_market_monthly"]:
        raise AssertionError(f"csv has {rows} rows, manifest says {manifest['tables']['fct_labour_market_monthly']}")
    stamp = manifest["published_at"].removesuffix("+00:00")
    return stamp, int(total), marker


def main(mode: str, data_dir: str, stop_file: str, out_file: str) -> None:
    serving = Path(data_dir) / "serving"
    seen: Counter[str] = Counter()
    errors: list[str] = []
    deadline = time.monotonic() + 120
    con = None
    queries = 0
    progress = Path(f"{out_file}.progress")
    progress_draft = Path(f"{out_file}.progress.draft")
    while not Path(stop_file).exists() and time.monotonic() < deadline:
        try:
            if mode == "exports":
                answer = read_exports(serving)
            else:
                if con is None or mode == "reconnect" or queries % 25 == 0:
                    if con is not None:
                        con.close()
                    con = duckdb.connect(str(serving / "tilannekuva.duckdb"), read_only=True)
                stamp, total, marker = con.execute(QUERY).fetchone()
                answer = (stamp, int(total), marker)
            seen[json.dumps(answer)] += 1
        except Exception as exc:  # every failure is what the test counts
            errors.append(f"{type(exc).__name__}: {exc}")
        queries += 1
        progress_draft.write_text(json.dumps({"queries": queries, "answers": len(seen)}), encoding="utf-8")
        os.replace(progress_draft, progress)
    Path(out_file).write_text(json.dumps({"seen": seen, "errors": errors, "queries": queries}), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:5])
