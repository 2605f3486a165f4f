"""Show that two sample refreshes publish the same figures: every served table, export and report.

    .venv/bin/python tools/compare_refresh.py BEFORE_REV [AFTER_REV]   # refresh both, then compare
    .venv/bin/python tools/compare_refresh.py --data BEFORE_DIR AFTER_DIR   # compare two data directories

Why: a restructuring that moves code must not move a number. Each revision is checked out into a
temporary git worktree and refreshed cold on the bundled sample snapshot with this checkout's
environment (AFTER_REV defaults to the working tree). Only values that record *when* a run happened
are ignored (`RUN_TIME_COLUMNS`, and dates and times in the report text); anything else that differs
is printed and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
# Columns and manifest keys that hold the time of the run or an id made from it, not a figure.
RUN_TIME_COLUMNS = frozenset(
    {"loaded_at", "fetched_at", "last_attempt_at", "checked_at", "published_at", "landing_version"}
)
# In the report's HTML: times of day to the second (the publish time) and landing-version ids.
RUN_TIME_TEXT = re.compile(r"\b\d{1,2}[:.]\d{2}[:.]\d{2}(\.\d+)?\b|\b\d{8}T\d{6,}Z?\b")


def refresh(revision: str | None, data_dir: Path, scratch: Path) -> None:
    """Refresh the sample snapshot cold with the code of `revision` (None: this working tree)."""
    source = ROOT
    if revision is not None:
        source = scratch / f"src-{revision.replace('/', '_')}"
        subprocess.run(["git", "worktree", "add", "--detach", str(source), revision], cwd=ROOT, check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
    env["TILANNEKUVA_DATA_DIR"] = str(data_dir)
    try:
        print(f"refreshing {revision or 'the working tree'} into {data_dir} …", flush=True)
        completed = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "refresh"], cwd=source, env=env, capture_output=True, text=True
        )
        if completed.returncode != 0:
            sys.exit(
                f"refresh of {revision or 'the working tree'} failed:\n{completed.stdout[-3000:]}{completed.stderr}"
            )
    finally:
        if revision is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(source)], cwd=ROOT, check=False)


def _relation_differences(con: duckdb.DuckDBPyConnection, before: str, after: str, name: str) -> list[str]:
    """Rows in one relation but not the other (as multisets), run-time columns left out."""
    columns_before = [c for c in con.sql(f"select * from {before} limit 0").columns]
    columns_after = [c for c in con.sql(f"select * from {after} limit 0").columns]
    if columns_before != columns_after:
        return [f"{name}: columns differ: {columns_before} vs {columns_after}"]
    kept = ", ".join(f'"{c}"' for c in columns_before if c not in RUN_TIME_COLUMNS)
    problems = []
    for label, left, right in (("only before", before, after), ("only after", after, before)):
        rows = con.sql(f"select {kept} from {left} except all select {kept} from {right}").fetchall()
        if rows:
            problems.append(f"{name}: {len(rows)} rows {label}, e.g. {rows[:3]}")
    return problems


def compare_serving(before: Path, after: Path) -> tuple[list[str], int]:
    """Every table of the two serving DuckDB files."""
    con = duckdb.connect()
    con.execute(f"attach '{before / 'serving' / 'tilannekuva.duckdb'}' as b (read_only)")
    con.execute(f"attach '{after / 'serving' / 'tilannekuva.duckdb'}' as a (read_only)")
    tables = {
        catalog: {
            r[0]
            for r in con.sql(
                f"select table_name from information_schema.tables where table_catalog = '{catalog}'"
            ).fetchall()
        }
        for catalog in ("b", "a")
    }
    problems = (
        [f"serving: tables only before: {sorted(tables['b'] - tables['a'])}"] if tables["b"] - tables["a"] else []
    )
    if tables["a"] - tables["b"]:
        problems.append(f"serving: tables only after: {sorted(tables['a'] - tables['b'])}")
    for table in sorted(tables["b"] & tables["a"]):
        problems += _relation_differences(con, f"b.main.{table}", f"a.main.{table}", f"serving table {table}")
    return problems, len(tables["b"] & tables["a"])


def _scrub(value: object) -> object:
    """A manifest less its run times and file digests and sizes (the files themselves are compared row by row)."""
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in RUN_TIME_COLUMNS | {"sha256", "bytes"}}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def compare_exports(before: Path, after: Path) -> tuple[list[str], int]:
    """Every Parquet and CSV export, and the export manifest less its publish time."""
    files = {
        side: sorted(p.name for p in (root / "serving" / "exports").iterdir())
        for side, root in (("b", before), ("a", after))
    }
    problems = [] if files["b"] == files["a"] else [f"exports: files differ: {files['b']} vs {files['a']}"]
    con = duckdb.connect()
    compared = 0
    for name in sorted(set(files["b"]) & set(files["a"])):
        paths = [root / "serving" / "exports" / name for root in (before, after)]
        if name.endswith(".json"):
            texts = [_scrub(json.loads(p.read_text())) for p in paths]
            if texts[0] != texts[1]:
                problems.append(f"export {name}: differs beyond its run-time keys")
        else:
            reader = "read_parquet" if name.endswith(".parquet") else "read_csv"
            problems += _relation_differences(
                con, f"{reader}('{paths[0]}')", f"{reader}('{paths[1]}')", f"export {name}"
            )
        compared += 1
    return problems, compared


def compare_reports(before: Path, after: Path) -> tuple[list[str], int]:
    """Every report's text, dates and times of the run masked."""
    names = {
        side: sorted(p.name for p in (root / "serving" / "reports").glob("*.*"))
        for side, root in (("b", before), ("a", after))
    }
    problems = [] if names["b"] == names["a"] else [f"reports: files differ: {names['b']} vs {names['a']}"]
    for name in sorted(set(names["b"]) & set(names["a"])):
        texts = [
            RUN_TIME_TEXT.sub("<time>", (root / "serving" / "reports" / name).read_text(errors="replace"))
            for root in (before, after)
        ]
        if texts[0] != texts[1]:
            at = next((i for i, (x, y) in enumerate(zip(*texts, strict=False)) if x != y), min(map(len, texts)))
            left, right = (text[max(at - 80, 0) : at + 80] for text in texts)
            problems.append(f"report {name}: differs at character {at}: {left!r} vs {right!r}")
    return problems, len(set(names["b"]) & set(names["a"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revisions", nargs="*", help="BEFORE_REV [AFTER_REV]")
    parser.add_argument("--data", nargs=2, type=Path, metavar=("BEFORE_DIR", "AFTER_DIR"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tilannekuva-compare-") as tmp:
        if args.data:
            before, after = args.data
        elif 1 <= len(args.revisions) <= 2:
            before, after = Path(tmp) / "before", Path(tmp) / "after"
            refresh(args.revisions[0], before, Path(tmp))
            refresh(args.revisions[1] if len(args.revisions) == 2 else None, after, Path(tmp))
        else:
            parser.error("give BEFORE_REV [AFTER_REV] or --data BEFORE_DIR AFTER_DIR")
        problems = []
        for what, compare in (
            ("serving tables", compare_serving),
            ("exports", compare_exports),
            ("reports", compare_reports),
        ):
            found, compared = compare(before, after)
            print(f"{what}: {compared} compared, {len(found)} differing", flush=True)
            problems += found
    for problem in problems:
        print("  " + problem)
    print("identical apart from run times" if not problems else f"{len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
