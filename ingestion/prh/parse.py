"""The dump parsed in a stream into companies and company_situations Parquet, in batches so memory does not
grow with the file; a large dump is parsed as two halves in two processes (parsing is CPU-bound).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.durable import replace_durably
from ingestion.errors import SourceError
from ingestion.landing import (
    read_manifest,
)
from ingestion.prh.archive import Window, check_archive, find_split, iter_companies
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

BATCH_ROWS = 50_000
# Dumps at least this large are parsed in two processes (two halves split at a company boundary).
PARALLEL_MIN_BYTES = 256 * 1024**2


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

    `unknown_code_sets` counts the companies whose industry is unknown because of their code set.
    """

    companies: Path
    situations: Path
    companies_rows: int
    situation_rows: int
    uncompressed_bytes: int
    unknown_code_sets: dict[str, int] = dataclass_field(default_factory=dict)
    forms: Path | None = None

    @property
    def unknown_code_set_rows(self) -> int:
        return sum(self.unknown_code_sets.values())


def _parse_part(
    zip_path: Path,
    out_dir: Path,
    max_uncompressed: int,
    window: Window | None,
    constants: dict[str, Any],
    batch_rows: int,
) -> tuple[int, int]:
    """Parse (a window of) the dump into `out_dir`; returns the company and situation rows written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    companies = _BatchWriter(out_dir / COMPANIES_FILE, COMPANY_SCHEMA, constants, batch_rows)
    situations = _BatchWriter(out_dir / SITUATIONS_FILE, SITUATION_SCHEMA, constants, batch_rows)
    try:
        for record in iter_companies(zip_path, max_uncompressed, window):
            company, events = reduce_company(record)
            companies.add(company)
            for event in events:
                situations.add(event)
    finally:
        companies.close()
        situations.close()
    return companies.rows, situations.rows


def _parse_part_in_child(*args: Any) -> None:
    """Child-process entry: parse the second half; a failure shows as a non-zero exit code."""
    _parse_part(*args)


def _concat(parts: list[Path], target: Path, schema: pa.Schema) -> int:
    """Row groups of the part files, in order, into one Parquet file (one row group at a time)."""
    rows = 0
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for part in parts:
            source = pq.ParquetFile(part)
            for index in range(source.num_row_groups):
                table = source.read_row_group(index)
                rows += table.num_rows
                writer.write_table(table)
    return rows


def _parse_in_two(
    zip_path: Path, out_dir: Path, max_uncompressed: int, constants: dict[str, Any], batch_rows: int
) -> tuple[int, int] | None:
    """Both halves at once (second one in a child process); None when the split does not hold."""
    split = find_split(zip_path, max_uncompressed)
    if split is None:
        return None
    end, start = split
    halves = [out_dir / ".part-0", out_dir / ".part-1"]
    context = multiprocessing.get_context("spawn")
    child = context.Process(
        target=_parse_part_in_child,
        args=(zip_path, halves[1], max_uncompressed, (start, None, b"[", b""), constants, batch_rows),
    )
    child.start()
    try:
        _parse_part(zip_path, halves[0], max_uncompressed, (0, end, b"", b"]"), constants, batch_rows)
    except SourceError:
        child.terminate()
        return None
    finally:
        child.join()
    if child.exitcode != 0:
        return None
    companies = _concat([h / COMPANIES_FILE for h in halves], out_dir / COMPANIES_FILE, COMPANY_SCHEMA)
    situations = _concat([h / SITUATIONS_FILE for h in halves], out_dir / SITUATIONS_FILE, SITUATION_SCHEMA)
    return companies, situations


def parse_dump(
    zip_path: Path,
    out_dir: Path,
    *,
    max_uncompressed: int,
    source_updated_at: datetime | None = None,
    is_sample_data: bool = False,
    batch_rows: int = BATCH_ROWS,
    workers: int | None = None,
    max_unknown_share: float = 0.01,
) -> StagedPrh:
    """Stream the dump into `out_dir/companies.parquet` and `company_situations.parquet` in batches.

    A large dump on a machine with two or more cores is parsed as two halves at once (`workers`=2;
    None chooses by size and cores). The result is the same; when the halves cannot be split at a
    company boundary, or either half fails, one sequential pass runs and reports any error itself.
    Companies whose code set is not TOIMI3/TOIMI4 are counted; above `max_unknown_share` the dump fails.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    constants = {"source_updated_at": source_updated_at, "loaded_at": loaded_at, "is_sample_data": is_sample_data}
    size = check_archive(zip_path, max_uncompressed).file_size
    if workers is None:
        workers = 2 if (os.cpu_count() or 1) >= 2 and size >= PARALLEL_MIN_BYTES else 1
    rows = _parse_in_two(zip_path, out_dir, max_uncompressed, constants, batch_rows) if workers >= 2 else None
    for half in (".part-0", ".part-1"):
        shutil.rmtree(out_dir / half, ignore_errors=True)
    if rows is None:
        rows = _parse_part(zip_path, out_dir, max_uncompressed, None, constants, batch_rows)
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
    return StagedPrh(out_dir / COMPANIES_FILE, out_dir / SITUATIONS_FILE, rows[0], rows[1], size, unknown)


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
    scratch = companies_path.parent / f".prh-{os.getpid()}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
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
