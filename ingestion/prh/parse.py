"""The dump parsed in a stream into companies and company_situations Parquet, in batches so memory does not
grow with the file.

DuckDB does the heavy lifting: a thread unpacks the ZIP member through the size and depth guards
into parts of whole companies, which `read_json` parses while the reduction of `sql.py` runs and
Arrow batches are written to Parquet. A company the query marks unusual (a value `reduce_company` would refuse, or an
odd shape), or JSON DuckDB cannot read, sends the dump through `reduce_company` with ijson instead,
which names the business id, field and value of the first bad company (or the byte of bad JSON).
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingestion.durable import remove_left_over_temps, replace_durably
from ingestion.errors import SourceError
from ingestion.landing import (
    read_manifest,
)
from ingestion.prh.archive import Unpacker, check_archive, iter_companies
from ingestion.prh.forms import write_company_forms
from ingestion.prh.records import reduce_company
from ingestion.prh.schemas import (
    CODE_SETS,
    COMPANIES_FILE,
    COMPANY_SCHEMA,
    FORMS_FILE,
    FORMS_PARQUET,
    SITUATION_SCHEMA,
    SITUATIONS_FILE,
    SOURCE,
    ZIP_FILE,
)
from ingestion.prh.sql import reduce_sql

BATCH_ROWS = 50_000
# DuckDB's share of the parse: two threads (the unpacking thread runs beside them) and a memory cap
# that keeps the whole parse under 400 MB of peak RSS for a dump of a million companies.
DUCKDB_THREADS = 2
DUCKDB_MEMORY_LIMIT = "256MB"
# The unpacked JSON is handed to DuckDB in parts of about this size (at most five on disk at once:
# two read, two queued, one being written).
PART_BYTES = 64 * 1024**2


class _BatchWriter:
    """Rows buffered as columns and flushed to one Parquet file every `batch_rows`."""

    def __init__(self, path: Path, schema: pa.Schema, constants: dict[str, Any], batch_rows: int) -> None:
        self.writer = pq.ParquetWriter(path, schema, compression="zstd")
        self.schema = schema
        self.constants = constants
        self.batch_rows = batch_rows
        self.columns: dict[str, list[Any]] = {f.name: [] for f in schema if f.name not in constants}
        self.pending = 0
        self.rows = 0

    def add(self, row: dict[str, Any]) -> None:
        for name, values in self.columns.items():
            values.append(row[name])
        self.pending += 1
        if self.pending >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        arrays = []
        for field in self.schema:
            if field.name in self.constants:
                arrays.append(pa.array([self.constants[field.name]] * self.pending, type=field.type))
            else:
                arrays.append(pa.array(self.columns[field.name], type=field.type))
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.rows += self.pending
        self.pending = 0
        for values in self.columns.values():
            values.clear()

    def close(self) -> None:
        self.flush()
        self.writer.close()


@dataclass(frozen=True)
class StagedPrh:
    """The Parquet files parsed from one dump (not yet promoted) and what went into them.

    `unknown_code_sets` counts the companies whose industry is unknown because of their code set;
    `parser` says which parse ran: "duckdb", or "reference" (ijson and `reduce_company`).
    """

    companies: Path
    situations: Path
    companies_rows: int
    situation_rows: int
    uncompressed_bytes: int
    unknown_code_sets: dict[str, int] = dataclass_field(default_factory=dict)
    forms: Path | None = None
    parser: str = "duckdb"

    @property
    def unknown_code_set_rows(self) -> int:
        return sum(self.unknown_code_sets.values())


def _parse_part(
    zip_path: Path, out_dir: Path, max_uncompressed: int, constants: dict[str, Any], batch_rows: int
) -> tuple[int, int]:
    """The reference parse: ijson and `reduce_company`, one company at a time; returns the rows written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    companies = _BatchWriter(out_dir / COMPANIES_FILE, COMPANY_SCHEMA, constants, batch_rows)
    situations = _BatchWriter(out_dir / SITUATIONS_FILE, SITUATION_SCHEMA, constants, batch_rows)
    try:
        for record in iter_companies(zip_path, max_uncompressed):
            company, events = reduce_company(record)
            companies.add(company)
            for event in events:
                situations.add(event)
    finally:
        companies.close()
        situations.close()
    return companies.rows, situations.rows


def _with_constants(table: pa.Table, schema: pa.Schema, constants: dict[str, Any]) -> pa.Table:
    arrays = [
        pa.array([constants[f.name]] * table.num_rows, f.type) if f.name in constants else table[f.name].cast(f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _situations(batch: pa.RecordBatch) -> pa.Table:
    """The situations list of each company as rows, with its business id."""
    lists = batch.column("situations")
    flat = pc.list_flatten(lists)
    columns = {"business_id": pc.take(batch.column("business_id"), pc.list_parent_indices(lists))}
    for name in ("situation_type", "situation_code", "start_date", "end_date"):
        columns[name] = flat.field(name)
    return pa.table(columns)


def _ready_parts(parts: queue.Queue[Path | None]) -> list[Path]:
    """The next part, and any more already unpacked (up to one a DuckDB thread, read side by side, in order).

    Empty at the end; the end mark is put back so the next call sees it too.
    """
    group: list[Path] = []
    while len(group) < DUCKDB_THREADS:
        try:
            part = parts.get() if not group else parts.get_nowait()
        except queue.Empty:
            break
        if part is None:
            parts.put(None)
            break
        group.append(part)
    return group


def _parse_with_duckdb(
    zip_path: Path, out_dir: Path, max_uncompressed: int, constants: dict[str, Any], batch_rows: int
) -> tuple[int, int] | None:
    """Parse with DuckDB; None when a company is unusual or DuckDB cannot read the JSON.

    A thread unpacks the member into parts (arrays of whole companies) while DuckDB parses the ones
    before (two side by side when ready, one a thread), each part deleted once read. A guard tripped
    while unpacking (size, depth, a damaged ZIP) raises its own error.
    """
    parts = out_dir / ".parts"
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True)
    unpacker = Unpacker(zip_path, parts, max_uncompressed, PART_BYTES)
    feeder = threading.Thread(target=unpacker.run, name="prh-unpack", daemon=True)
    feeder.start()
    rows = [0, 0]
    usual = True
    con = duckdb.connect(config={"threads": DUCKDB_THREADS, "memory_limit": DUCKDB_MEMORY_LIMIT})
    try:
        with (
            pq.ParquetWriter(out_dir / COMPANIES_FILE, COMPANY_SCHEMA, compression="zstd") as companies,
            pq.ParquetWriter(out_dir / SITUATIONS_FILE, SITUATION_SCHEMA, compression="zstd") as situations,
        ):
            while usual and (group := _ready_parts(unpacker.parts)):
                for batch in con.sql(reduce_sql([str(p) for p in group])).to_arrow_reader(batch_rows):
                    if pc.any(batch.column("unusual")).as_py():
                        usual = False
                        break
                    table = pa.Table.from_batches([batch])
                    companies.write_table(_with_constants(table, COMPANY_SCHEMA, constants))
                    events = _situations(batch)
                    if events.num_rows:
                        situations.write_table(_with_constants(events, SITUATION_SCHEMA, constants))
                    rows[0] += batch.num_rows
                    rows[1] += events.num_rows
                for part in group:
                    part.unlink()
    except (duckdb.Error, pa.ArrowException, OSError):
        # DuckDB's error (through the Arrow stream): the reference parse names the problem
        usual = False
    finally:
        con.close()
        unpacker.stop()
        feeder.join()
        shutil.rmtree(parts, ignore_errors=True)
    if unpacker.error is not None:
        raise unpacker.error
    return (rows[0], rows[1]) if usual else None


def parse_dump(
    zip_path: Path,
    out_dir: Path,
    *,
    max_uncompressed: int,
    source_updated_at: datetime | None = None,
    is_sample_data: bool = False,
    batch_rows: int = BATCH_ROWS,
    max_unknown_share: float = 0.01,
    reference: bool = False,
) -> StagedPrh:
    """Stream the dump into `out_dir/companies.parquet` and `company_situations.parquet` in batches.

    DuckDB parses it; when it finds an unusual company or cannot read the JSON, or with `reference`,
    ijson and `reduce_company` parse it instead and report any error themselves (same facts, slower).
    Companies whose code set is not TOIMI3/TOIMI4 are counted; above `max_unknown_share` the dump fails.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    constants = {"source_updated_at": source_updated_at, "loaded_at": loaded_at, "is_sample_data": is_sample_data}
    size = check_archive(zip_path, max_uncompressed).file_size
    rows = None if reference else _parse_with_duckdb(zip_path, out_dir, max_uncompressed, constants, batch_rows)
    parser = "duckdb"
    if rows is None:
        parser = "reference"
        rows = _parse_part(zip_path, out_dir, max_uncompressed, constants, batch_rows)
    if rows[0] == 0:
        raise SourceError(SOURCE, ZIP_FILE, zip_path.name, "the company array is empty")
    unknown = unknown_code_sets(out_dir / COMPANIES_FILE)
    share = sum(unknown.values()) / rows[0]
    if share > max_unknown_share:
        found = ", ".join(f"{k} {v}" for k, v in sorted(unknown.items()))
        raise SourceError(
            SOURCE,
            "mainBusinessLine.typeCodeSet",
            found,
            f"{share:.1%} of {rows[0]} companies carry a code set other than "
            f"{'/'.join(CODE_SETS)}, above the allowed {max_unknown_share:.1%}",
        )
    return StagedPrh(
        out_dir / COMPANIES_FILE, out_dir / SITUATIONS_FILE, rows[0], rows[1], size, unknown, parser=parser
    )


def unknown_code_sets(companies: Path) -> dict[str, int]:
    """Companies per code set that left their industry unknown (read back from the parsed file)."""
    table = pq.read_table(companies, columns=["industry_code_set", "industry_code_set_source"])
    frame = table.to_pandas()
    unknown = frame.loc[frame["industry_code_set"].isna() & frame["industry_code_set_source"].notna()]
    return {str(k): int(v) for k, v in unknown["industry_code_set_source"].value_counts().items()}


def stage_dump(
    zip_path: Path,
    companies_path: Path,
    situations_path: Path,
    *,
    max_uncompressed: int,
    source_updated_at: datetime | None = None,
    is_sample_data: bool = False,
) -> StagedPrh:
    """Parse into a scratch folder and rename both files into place only when the whole dump parsed."""
    remove_left_over_temps(companies_path.parent, ".prh.*.tmp")  # scratch folders of parses that were killed
    scratch = companies_path.parent / f".prh.{os.getpid()}.tmp"
    try:
        staged = parse_dump(
            zip_path,
            scratch,
            max_uncompressed=max_uncompressed,
            source_updated_at=source_updated_at,
            is_sample_data=is_sample_data,
        )
        promote(staged, companies_path, situations_path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return replace(staged, companies=companies_path, situations=situations_path, forms=None)


def promote(staged: StagedPrh, companies_path: Path, situations_path: Path, forms_path: Path | None = None) -> None:
    """Move parsed files over the staged ones (each an atomic rename on the same filesystem)."""
    companies_path.parent.mkdir(parents=True, exist_ok=True)
    situations_path.parent.mkdir(parents=True, exist_ok=True)
    if forms_path is not None and staged.forms is not None:
        forms_path.parent.mkdir(parents=True, exist_ok=True)
        replace_durably(staged.forms, forms_path)
    replace_durably(staged.situations, situations_path)
    replace_durably(staged.companies, companies_path)


def landed_provenance(version_dir: Path) -> tuple[datetime | None, bool]:
    manifest = read_manifest(version_dir)
    stamp = manifest.source_updated
    updated = datetime.fromisoformat(stamp.replace("Z", "+00:00")).replace(tzinfo=None) if stamp else None
    return updated, manifest.mode == "sample"


def parse_landed(
    version_dir: Path,
    out_dir: Path,
    max_uncompressed: int,
    max_unknown_share: float = 0.01,
    *,
    with_forms: bool = True,
) -> StagedPrh:
    """Parse a landed version into `out_dir` (scratch files to validate before promoting).

    The company-form list landed beside the dump is parsed too (`with_forms`); a version without it
    (landed before the list was fetched) fails in one sentence.
    """
    updated, sample = landed_provenance(version_dir)
    forms = None
    if with_forms:
        tsv = version_dir / FORMS_FILE
        if not tsv.is_file():
            raise SourceError(
                SOURCE, FORMS_FILE, version_dir.name, "the landing version lacks the YRMU company-form list; land again"
            )
        forms = write_company_forms(tsv, out_dir / FORMS_PARQUET, is_sample_data=sample)
    staged = parse_dump(
        version_dir / ZIP_FILE,
        out_dir,
        max_uncompressed=max_uncompressed,
        source_updated_at=updated,
        is_sample_data=sample,
        max_unknown_share=max_unknown_share,
    )
    return replace(staged, forms=forms)


def stage_landed(version_dir: Path, companies_path: Path, situations_path: Path, max_uncompressed: int) -> StagedPrh:
    """Stage a landed version straight into place (parse everything first, then rename)."""
    updated, sample = landed_provenance(version_dir)
    return stage_dump(
        version_dir / ZIP_FILE,
        companies_path,
        situations_path,
        max_uncompressed=max_uncompressed,
        source_updated_at=updated,
        is_sample_data=sample,
    )
