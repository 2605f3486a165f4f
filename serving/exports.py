"""The downloadable exports: Parquet and CSV of every served table, described in `manifest.json`.

`publish` calls `export_table` for each table of a new serving file and writes the manifest with
`EXPORT_FORMAT` into the new version directory; readers find it through the `serving/exports` link.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb

from serving.sql import quote_ident, quote_literal

EXPORT_FORMAT = {
    "csv": "UTF-8 without BOM, comma-separated, header row, text and list fields always in double quotes, "
    "lists as [a, b], dates YYYY-MM-DD, timestamps YYYY-MM-DDThh:mm:ss.ffffff (UTC), '.' as decimal "
    "separator, NULL as an empty field",
    "parquet": "Apache Parquet, zstd",
}


def file_entry(path: Path) -> dict[str, Any]:
    """File name, size and SHA-256 of one exported file, as listed in the manifest."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def export_table(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> dict[str, Any]:
    """Parquet and CSV (UTF-8, header, ISO dates, `.` decimal) of one served table."""
    ident = quote_ident(name)
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    con.execute(f"COPY main.{ident} TO {quote_literal(str(parquet))} (FORMAT parquet, COMPRESSION zstd)")
    columns = [{"name": row[0], "type": row[1]} for row in con.execute(f"DESCRIBE main.{ident}").fetchall()]
    # Text and lists always quoted: a reader that guesses the dialect from the first rows (DuckDB,
    # pandas, Excel) then sees the quoting even when the first field with a comma is far down the file.
    quoted = [quote_ident(c["name"]) for c in columns if c["type"] == "VARCHAR" or c["type"].endswith("[]")]
    force_quote = f", FORCE_QUOTE ({', '.join(quoted)})" if quoted else ""
    con.execute(
        f"COPY main.{ident} TO {quote_literal(str(csv))} "
        "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', DATEFORMAT '%Y-%m-%d', "
        f"TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%f'{force_quote})"
    )
    return {"columns": columns, "files": {"parquet": file_entry(parquet), "csv": file_entry(csv)}}
