"""PRH company register (YTJ open data API v3): the daily `all_companies` dump and `/companies` search.

The dump is a ZIP holding one JSON array of every company (hundreds of MB unpacked). It is streamed
to the landing version on disk (conditional request: an unchanged ETag / Last-Modified answers 304
and nothing is downloaded), then parsed member-by-member through ijson's C backend and written to
Parquet in batches, so peak memory does not grow with the size of the file. Each company is reduced
to the facts counts need; names, street addresses and other personal data are never kept. A large
dump is parsed as two halves in two processes (parsing is CPU-bound and single-threaded), split at a
company boundary that the first half proves by parsing as a complete array.

Company situations map to insolvency events by this table (PRH code lists `KONK`, `SELTILA`, `SANE`):

| situation type | situation_type | meaning |
|---|---|---|
| KONK | bankruptcy | konkurssi (bankruptcy) |
| SELTILA | liquidation | selvitystila (liquidation) |
| SANE | restructuring | yrityssaneeraus (corporate restructuring) |

Any other situation type fails staging with the type named, so a new code is added here knowingly.
The register shows a situation only while the proceedings are open (it is emptied once a company has
ceased), so these rows are open proceedings at the dump date, never a count of bankruptcies.

The main line of business names its classification in `typeCodeSet`: `TOIMI3` is TOL 2008 and
`TOIMI4` TOL 2025 (PRH re-coded the register to TOL 2025 on 2026-01-01). Older sets (`TOIMI`,
`TOIMI2`) linger on a few records: their industry is left unknown and counted, and the dump fails only
when more than `prh_max_unknown_code_set_share` of its companies carry such a set.

The dump holds only companies currently in the register, so closures are read across dumps: every
staged dump is folded into a compact register history (`apply_dump`), in which a company that leaves
the register gets the date of the first dump without it. The company-form code list
(`/description?code=YRMU`) lands with each dump; housing and mutual property companies are flagged
from its descriptions, not from hard-coded codes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

import ijson
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import requests

from ingestion.catalogue import PRH_COMPANIES, ZipDumpDataset
from ingestion.errors import SourceError
from ingestion.http import CHUNK_BYTES, RateLimit, SourceSession, get_checked
from ingestion.landing import (
    Landed,
    LandedResponse,
    LandingVersion,
    fingerprint,
    latest_version,
    read_manifest,
    record_attempt,
    utc_now,
)
from ingestion.settings import Settings

SOURCE = "prh"
PAGE_SIZE = 100
# 300 requests per minute are shared by every user of the API: stay well inside it.
RATE_LIMIT = RateLimit(calls=240, window_seconds=60)
SITUATION_TYPES = {"KONK": "bankruptcy", "SELTILA": "liquidation", "SANE": "restructuring"}
# PRH's typeCodeSet → the classification of mainBusinessLine.type
CODE_SETS = {"TOIMI3": "TOL2008", "TOIMI4": "TOL2025"}
STREET_ADDRESS, POSTAL_ADDRESS = 1, 2
BUSINESS_ID = re.compile(r"^\d{7}-\d$")
TOL_CODE = re.compile(r"^\d{5}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
ZIP_FILE = "all_companies.zip"
FORMS_FILE = "company_forms.tsv"
FORMS_ENDPOINT = "/description"
FORMS_PARAMS = {"code": "YRMU", "lang": "fi"}
COMPANIES_FILE = "companies.parquet"
SITUATIONS_FILE = "company_situations.parquet"
FORMS_PARQUET = "company_forms.parquet"
HISTORY_FILE = "register_history.parquet"
DUMPS_FILE = "register_dumps.parquet"
DUMP_MEMBER = re.compile(r"data_(\d{8})\.json$", re.IGNORECASE)
DUMP_ATTACHMENT = re.compile(r"all_companies_(\d{8})\.zip", re.IGNORECASE)
# Company forms left out of business counts, recognised by their Finnish description in YRMU.
HOUSING_FORM = re.compile(r"\basunto-osakeyhtiö|keskinäinen kiinteistö", re.IGNORECASE)
BATCH_ROWS = 50_000
# Dumps at least this large are parsed in two processes (two halves split at a company boundary).
PARALLEL_MIN_BYTES = 256 * 1024**2
SPLIT_CANDIDATE = re.compile(rb'\}\s*,\s*(\{\s*"businessId")')
# A company record nests ~6 levels; deeper is hostile or broken (and ijson's prefixes grow with depth squared).
MAX_JSON_DEPTH = 64
_STEP = np.zeros(256, np.int32)
_STEP[list(b"[{")], _STEP[list(b"]}")] = 1, -1

COMPANY_SCHEMA = pa.schema(
    [
        ("business_id", pa.string()),
        ("company_form_code", pa.string()),
        ("main_industry_code", pa.string()),
        ("industry_code_set", pa.string()),
        ("industry_code_set_source", pa.string()),
        ("municipality_code", pa.string()),
        ("registration_date", pa.date32()),
        ("end_date", pa.date32()),
        ("last_modified", pa.timestamp("us")),
        ("source_updated_at", pa.timestamp("us")),
        ("loaded_at", pa.timestamp("us")),
        ("is_sample_data", pa.bool_()),
    ]
)
SITUATION_SCHEMA = pa.schema(
    [
        ("business_id", pa.string()),
        ("situation_type", pa.string()),
        ("situation_code", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("source_updated_at", pa.timestamp("us")),
        ("loaded_at", pa.timestamp("us")),
        ("is_sample_data", pa.bool_()),
    ]
)


# --- the all_companies archive -------------------------------------------------------------------


def _unsafe_member(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None or ".." in parts


def json_member(archive: zipfile.ZipFile, where: str, max_uncompressed: int) -> zipfile.ZipInfo:
    """The one JSON member of the dump; refuses unsafe paths, missing or extra members and oversize."""
    infos = archive.infolist()
    for info in infos:
        if _unsafe_member(info.filename):
            raise SourceError(
                SOURCE, f"ZIP member {info.filename}", where, "member path is absolute or leaves its folder"
            )
    files = [i for i in infos if not i.is_dir()]
    names = [i.filename for i in files]
    members = [i for i in files if i.filename.lower().endswith(".json")]
    if len(files) != 1 or len(members) != 1:
        raise SourceError(SOURCE, "ZIP members", names, f"expected exactly one JSON member in {where}")
    member = members[0]
    if member.file_size > max_uncompressed:
        raise SourceError(
            SOURCE,
            f"ZIP member {member.filename}",
            member.file_size,
            f"unpacks beyond the cap of {max_uncompressed} bytes",
        )
    return member


class _CappedReader:
    """A file wrapper that stops reading past `cap` decompressed bytes or `MAX_JSON_DEPTH` levels of nesting."""

    def __init__(self, raw: IO[bytes], cap: int, member: str) -> None:
        self.raw = raw
        self.cap = cap
        self.member = member
        self.read_bytes = 0
        self.depth = 0
        self.in_string = 0
        self.backslashes = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.read_bytes += len(chunk)
        if self.read_bytes > self.cap:
            raise SourceError(
                SOURCE, f"ZIP member {self.member}", f"> {self.cap} bytes", "decompressed size exceeds the cap"
            )
        self._check_depth(chunk)
        return chunk

    def _check_depth(self, chunk: bytes) -> None:
        """Track bracket depth outside strings, vectorised (escapes paired off first; a trailing run waits)."""
        data = self.backslashes + chunk
        kept = data.rstrip(b"\\")
        self.backslashes = data[len(kept) :]
        codes = np.frombuffer(kept.replace(b"\\\\", b"__").replace(b'\\"', b"__"), np.uint8)
        if not len(codes):
            return
        quotes = np.cumsum(codes == ord('"'), dtype=np.int32) + self.in_string
        depths = self.depth + np.cumsum(_STEP[codes] * (1 - (quotes & 1)), dtype=np.int32)
        deepest = int(depths.max())
        self.depth, self.in_string = int(depths[-1]), int(quotes[-1] & 1)
        if deepest > MAX_JSON_DEPTH:
            raise SourceError(
                SOURCE,
                f"ZIP member {self.member}",
                f"depth {deepest} by byte {self.read_bytes}",
                f"JSON nested deeper than {MAX_JSON_DEPTH}",
            )


class _Window:
    """Bytes [start, stop) of a stream between `head` and `tail`: one half of the array as an array."""

    def __init__(self, raw: IO[bytes], start: int, stop: int | None, head: bytes, tail: bytes) -> None:
        self.raw = raw
        self.position = 0
        self.start = start
        self.stop = stop
        self.pending = head
        self.tail = tail
        self.done = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        size = size if size > 0 else CHUNK_BYTES
        while self.position < self.start:
            skipped = self.raw.read(min(CHUNK_BYTES, self.start - self.position))
            if not skipped:
                break
            self.position += len(skipped)
        out, self.pending = self.pending, b""
        if not self.done and len(out) < size:
            want = size - len(out)
            if self.stop is not None:
                want = min(want, self.stop - self.position)
            chunk = self.raw.read(want) if want > 0 else b""
            self.position += len(chunk)
            out += chunk
            if self.stop is not None and self.position >= self.stop:
                self.done = True
                out += self.tail
            elif not chunk:
                self.done = True
        if len(out) > size:
            out, self.pending = out[:size], out[size:]
        return out


Window = tuple[int, int | None, bytes, bytes]


def iter_companies(zip_path: Path, max_uncompressed: int, window: Window | None = None) -> Iterator[dict[str, Any]]:
    """Every company record of the dump (or of one `window` of it), one at a time, never the whole array."""
    where = zip_path.name
    try:
        with zipfile.ZipFile(zip_path) as archive:
            member = json_member(archive, where, max_uncompressed)
            with archive.open(member) as raw:
                reader = _CappedReader(raw, max_uncompressed, member.filename)
                source: Any = _Window(reader, *window) if window else reader
                try:
                    yield from ijson.items(source, "item", use_float=True)
                except ijson.JSONError as exc:
                    raise SourceError(
                        SOURCE, f"ZIP member {member.filename}", f"byte {reader.read_bytes}", f"invalid JSON ({exc})"
                    ) from exc
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise SourceError(SOURCE, ZIP_FILE, where, f"damaged or truncated ZIP ({exc})") from exc


def find_split(zip_path: Path, max_uncompressed: int, search_bytes: int = 64 * 1024**2) -> tuple[int, int] | None:
    """A likely boundary between two companies near the middle of the dump: (end of one, start of next).

    Only a candidate: `{"businessId"` could in principle sit inside a string. The first half is parsed
    as `[…]` ending exactly there, which is valid JSON only if the boundary is real; otherwise the
    caller falls back to one sequential pass.
    """
    with zipfile.ZipFile(zip_path) as archive:
        member = json_member(archive, zip_path.name, max_uncompressed)
        middle = member.file_size // 2
        with archive.open(member) as raw:
            position = 0
            while position < middle:
                skipped = raw.read(min(CHUNK_BYTES, middle - position))
                if not skipped:
                    return None
                position += len(skipped)
            carry = b""
            while position < middle + search_bytes:
                chunk = raw.read(CHUNK_BYTES)
                if not chunk:
                    return None
                window = carry + chunk
                match = SPLIT_CANDIDATE.search(window)
                offset = position - len(carry)
                if match:
                    return offset + match.start() + 1, offset + match.start(1)
                carry = window[-64:]
                position += len(chunk)
    return None


def check_archive(zip_path: Path, max_uncompressed: int) -> zipfile.ZipInfo:
    """Open the landed ZIP (its central directory proves it is complete) and vet its members."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            return json_member(archive, zip_path.name, max_uncompressed)
    except (zipfile.BadZipFile, EOFError) as exc:
        with zip_path.open("rb") as fh:
            head = fh.read(16)
        size = zip_path.stat().st_size
        raise SourceError(SOURCE, f"{ZIP_FILE} ({size} bytes)", head, f"damaged or truncated ZIP ({exc})") from exc


# --- one company record → facts ------------------------------------------------------------------


def _date(value: Any, business_id: str, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise SourceError(SOURCE, f"{field} of {business_id}", value, "not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise SourceError(SOURCE, f"{field} of {business_id}", value, "not a valid date") from exc


def _timestamp(value: Any, business_id: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value)[:19])
    except ValueError as exc:
        raise SourceError(SOURCE, f"lastModified of {business_id}", value, "not a timestamp") from exc


def _current(entries: Any) -> dict[str, Any] | None:
    """The entry in force: without an end date, else the latest registered."""
    items = [e for e in entries or [] if isinstance(e, dict)]
    if not items:
        return None
    live = [e for e in items if not e.get("endDate")]
    return max(live or items, key=lambda e: str(e.get("registrationDate") or ""))


def _municipality(addresses: Any, business_id: str) -> str | None:
    """Municipality of the street address (type 1), else of the postal address (type 2)."""
    by_type: dict[int, dict[str, Any]] = {}
    for address in addresses or []:
        if isinstance(address, dict) and str(address.get("type")) in ("1", "2"):
            by_type.setdefault(int(address["type"]), address)
    for kind in (STREET_ADDRESS, POSTAL_ADDRESS):
        address = by_type.get(kind)
        if address is None:
            continue
        for office in address.get("postOffices") or []:
            code = office.get("municipalityCode") if isinstance(office, dict) else None
            if code in (None, ""):
                continue
            text = str(code).zfill(3)
            if not re.fullmatch(r"\d{3}", text):
                raise SourceError(
                    SOURCE, f"addresses[type={kind}].municipalityCode of {business_id}", code, "not 3 digits"
                )
            return text
    return None


def reduce_company(record: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The per-company facts and its insolvency situations; nothing personal (no names or streets)."""
    if not isinstance(record, dict):
        raise SourceError(SOURCE, "company record", type(record).__name__, "not a JSON object")
    business = record.get("businessId")
    business_id = business.get("value") if isinstance(business, dict) else None
    if not isinstance(business_id, str) or not BUSINESS_ID.match(business_id):
        raise SourceError(SOURCE, "businessId.value", business_id, "not a business id like 1234567-8")
    line = record.get("mainBusinessLine") or {}
    industry = line.get("type") if isinstance(line, dict) else None
    raw_set = line.get("typeCodeSet") if isinstance(line, dict) else None
    raw_set = None if raw_set in (None, "") else str(raw_set)
    code_set = CODE_SETS.get(raw_set) if raw_set else None
    if industry in (None, ""):
        industry, code_set, raw_set = None, None, None
    elif code_set is None:
        # an older or new code set: the industry is unknown here, counted by `unknown_code_sets`
        industry = None
        raw_set = raw_set or "(none)"
    else:
        industry = str(industry)
        if not TOL_CODE.match(industry):
            raise SourceError(SOURCE, f"mainBusinessLine.type of {business_id}", industry, "not a 5-digit TOL code")
    form = _current(record.get("companyForms"))
    registered = _date(record.get("registrationDate"), business_id, "registrationDate") or _date(
        business.get("registrationDate"), business_id, "businessId.registrationDate"
    )
    modified = record.get("lastModified")
    company = {
        "business_id": business_id,
        "company_form_code": str(form["type"]) if form and form.get("type") not in (None, "") else None,
        "main_industry_code": industry,
        "industry_code_set": code_set,
        "industry_code_set_source": raw_set,
        "municipality_code": _municipality(record.get("addresses"), business_id),
        "registration_date": registered,
        "end_date": _date(record.get("endDate"), business_id, "endDate"),
        "last_modified": _timestamp(modified, business_id),
    }
    situations = []
    for situation in record.get("companySituations") or []:
        code = str(situation.get("type")) if isinstance(situation, dict) else None
        if code not in SITUATION_TYPES:
            raise SourceError(SOURCE, f"companySituations.type of {business_id}", code, "unknown situation type")
        situations.append(
            {
                "business_id": business_id,
                "situation_type": SITUATION_TYPES[code],
                "situation_code": code,
                "start_date": _date(
                    situation.get("registrationDate"), business_id, "companySituations.registrationDate"
                ),
                "end_date": _date(situation.get("endDate"), business_id, "companySituations.endDate"),
            }
        )
    return company, situations


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
        os.replace(staged.forms, forms_path)
    os.replace(staged.situations, situations_path)
    os.replace(staged.companies, companies_path)


# --- the company-form code list (YRMU) -----------------------------------------------------------

FORMS_SCHEMA = pa.schema(
    [
        ("company_form_code", pa.string()),
        ("company_form_fi", pa.string()),
        ("is_housing_or_property_company", pa.bool_()),
        ("loaded_at", pa.timestamp("us")),
        ("is_sample_data", pa.bool_()),
    ]
)


def parse_company_forms(text: str) -> list[dict[str, Any]]:
    """`GET /description?code=YRMU&lang=fi` (tab-separated code and description) as rows.

    The exact layout is not documented: a header line, blank lines and extra columns are tolerated;
    a code is 1–4 letters or digits. Housing companies (asunto-osakeyhtiö) and mutual property
    companies (keskinäinen kiinteistöosakeyhtiö) are flagged from the description; a list naming
    neither fails, since business counts would then silently include them.
    """
    rows: dict[str, dict[str, Any]] = {}
    for line in text.lstrip("\ufeff").splitlines():
        fields = [f.strip().strip('"') for f in line.split("\t")]
        if len(fields) < 2 or not re.fullmatch(r"[0-9A-Za-zÅÄÖåäö]{1,4}", fields[0]) or not fields[1]:
            continue
        code, description = fields[0], fields[1]
        rows[code] = {
            "company_form_code": code,
            "company_form_fi": description,
            "is_housing_or_property_company": HOUSING_FORM.search(description) is not None,
        }
    if not rows:
        raise SourceError(
            SOURCE, f"{FORMS_ENDPOINT}?code=YRMU", text[:80], "expected lines of code<TAB>description, found none"
        )
    if not any(r["is_housing_or_property_company"] for r in rows.values()):
        names = ", ".join(f"{r['company_form_code']} {r['company_form_fi']}" for r in rows.values())
        raise SourceError(
            SOURCE,
            f"{FORMS_ENDPOINT}?code=YRMU",
            names[:400],
            "expected 'Asunto-osakeyhtiö' or 'Keskinäinen kiinteistöosakeyhtiö' among the company forms",
        )
    return list(rows.values())


def write_company_forms(tsv: Path, target: Path, *, is_sample_data: bool) -> Path:
    """Parse the landed YRMU list into `target` (Parquet)."""
    try:
        text = tsv.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(SOURCE, f"{FORMS_ENDPOINT}?code=YRMU", tsv.name, "not UTF-8 text") from exc
    rows = parse_company_forms(text)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    for row in rows:
        row.update(loaded_at=loaded_at, is_sample_data=is_sample_data)
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=FORMS_SCHEMA), target, compression="zstd")
    return target


# --- register history across dumps ---------------------------------------------------------------

HISTORY_COLUMNS = [
    "business_id",
    "first_seen_dump",
    "last_seen_dump",
    "left_register_dump",
    "company_form_code",
    "main_industry_code",
    "industry_code_set",
    "municipality_code",
    "registration_date",
    "end_date",
]
HISTORY_SCHEMA = pa.schema(
    [
        ("business_id", pa.string()),
        ("first_seen_dump", pa.date32()),
        ("last_seen_dump", pa.date32()),
        ("left_register_dump", pa.date32()),
        ("company_form_code", pa.string()),
        ("main_industry_code", pa.string()),
        ("industry_code_set", pa.string()),
        ("municipality_code", pa.string()),
        ("registration_date", pa.date32()),
        ("end_date", pa.date32()),
        ("is_sample_data", pa.bool_()),
    ]
)
DUMPS_SCHEMA = pa.schema(
    [
        ("dump_date", pa.date32()),
        ("landing_version", pa.string()),
        ("companies", pa.int64()),
        ("new_companies", pa.int64()),
        ("left_companies", pa.int64()),
        ("returned_companies", pa.int64()),
        ("unknown_code_set_companies", pa.int64()),
        ("source_updated_at", pa.timestamp("us")),
        ("applied_at", pa.timestamp("us")),
        ("is_sample_data", pa.bool_()),
    ]
)
_ATTRIBUTES = [c for c in HISTORY_COLUMNS if c not in ("first_seen_dump", "last_seen_dump", "left_register_dump")]


@dataclass(frozen=True)
class HistoryUpdate:
    """What folding one dump into the register history did."""

    dump_date: date
    applied: bool
    companies: int = 0
    new_companies: int = 0
    left_companies: int = 0
    returned_companies: int = 0
    note: str = ""


def dump_date_of(version_dir: Path) -> date:
    """The day of a landed dump: from `data_YYYYMMDD.json` or `all_companies_YYYYMMDD.zip`, else Last-Modified."""
    details = read_manifest(version_dir).details
    for text, pattern in (
        (details.get("member"), DUMP_MEMBER),
        (details.get("attachment"), DUMP_ATTACHMENT),
    ):
        match = pattern.search(str(text or ""))
        if match:
            try:
                return datetime.strptime(match.group(1), "%Y%m%d").date()
            except ValueError:
                continue
    stamp = str(details.get("latest_period") or read_manifest(version_dir).source_updated or "")
    if not ISO_DATE.match(stamp):
        raise SourceError(SOURCE, "dump date", version_dir.name, "no data_YYYYMMDD member name nor Last-Modified")
    return date.fromisoformat(stamp[:10])


def _read(path: Path, schema: pa.Schema) -> pd.DataFrame:
    if path.exists():
        return pq.read_table(path).to_pandas()
    return schema.empty_table().to_pandas()


def register_note(dumps_path: Path) -> str | None:
    """What a reader of the business counts must know about the register history, in one line.

    How many dumps are folded and from when closures are known (the first dump gives the stock only),
    and how many companies of the newest dump have an industry code set other than TOIMI3/TOIMI4
    (their industry is unknown).
    """
    dumps = _read(dumps_path, DUMPS_SCHEMA)
    if dumps.empty:
        return None
    dumps = dumps.sort_values("dump_date")
    first, newest = dumps.iloc[0], dumps.iloc[-1]
    if len(dumps) == 1:
        closures = f"first dump {first['dump_date']:%Y-%m-%d}: stock only, closures known from the next dump"
    else:
        closures = f"{len(dumps)} dumps; closures known from {first['dump_date'] + timedelta(days=1):%Y-%m-%d}"
    unknown = int(newest["unknown_code_set_companies"])
    if not unknown:
        return closures
    share = 100 * unknown / max(int(newest["companies"]), 1)
    return f"{closures}; {unknown} companies ({share:.2f} %) with an unknown industry code set (industry X)"


def fold_dump(
    history: pd.DataFrame, companies: pd.DataFrame, dump_date: date, is_sample_data: bool = False
) -> tuple[pd.DataFrame, HistoryUpdate]:
    """The register history after one more dump (dumps must be folded in date order).

    A company in the dump is seen on `dump_date` (its attributes refreshed, and a company that had
    left and comes back is in the register again: its departure is withdrawn). A company of the
    history missing from the dump has left the register: `left_register_dump` is the first dump
    without it (kept when it was already gone).
    """
    day = pd.Timestamp(dump_date)
    current = companies[_ATTRIBUTES].drop_duplicates("business_id").set_index("business_id")
    past = history.set_index("business_id")
    seen_before = current.index.isin(past.index)
    returned = past.reindex(current.index[seen_before])["left_register_dump"].notna()
    gone = past.loc[~past.index.isin(current.index)].copy()
    newly_left = gone["left_register_dump"].isna()
    gone.loc[newly_left, "left_register_dump"] = day
    present = current.copy()
    present["first_seen_dump"] = past["first_seen_dump"].reindex(present.index).fillna(day)
    present["last_seen_dump"] = day
    present["left_register_dump"] = pd.NaT
    out = pd.concat([gone, present]).reset_index()
    for column in ("first_seen_dump", "last_seen_dump", "left_register_dump", "registration_date", "end_date"):
        out[column] = pd.to_datetime(out[column]).dt.date
    out["is_sample_data"] = is_sample_data
    out = out[[f.name for f in HISTORY_SCHEMA]].sort_values("business_id", ignore_index=True)
    update = HistoryUpdate(
        dump_date,
        True,
        companies=len(present),
        new_companies=int((~seen_before).sum()),
        left_companies=int(newly_left.sum()),
        returned_companies=int(returned.sum()),
    )
    return out, update


def apply_dump(
    history_path: Path,
    dumps_path: Path,
    companies_path: Path,
    dump_date: date,
    landing_version: str,
    *,
    source_updated_at: datetime | None = None,
    is_sample_data: bool = False,
    unknown_code_set_companies: int = 0,
) -> HistoryUpdate:
    """Fold a staged dump into the history Parquet (both files replaced atomically, history first).

    A landing version already folded, or a dump not newer than the newest folded one (the same day's
    dump landed again changes nothing either), leaves the history as it is: history only moves
    forward, and a dump that failed to stage is simply never folded.
    """
    dumps = _read(dumps_path, DUMPS_SCHEMA)
    if landing_version in set(dumps["landing_version"]):
        return HistoryUpdate(dump_date, False, note=f"landing version {landing_version} is already in the history")
    if len(dumps) and pd.Timestamp(dump_date) <= pd.Timestamp(max(dumps["dump_date"])):
        # The same day's dump landed again (another mode, a lost conditional request) is already in.
        newest = max(dumps["dump_date"])
        relation = "already" if pd.Timestamp(dump_date) == pd.Timestamp(newest) else "older than the newest"
        return HistoryUpdate(dump_date, False, note=f"dump of {dump_date} is {relation} in the history ({newest})")
    history = _read(history_path, HISTORY_SCHEMA)
    companies = pq.read_table(companies_path, columns=_ATTRIBUTES).to_pandas()
    folded, update = fold_dump(history, companies, dump_date, is_sample_data)
    row = {
        "dump_date": dump_date,
        "landing_version": landing_version,
        "companies": update.companies,
        "new_companies": update.new_companies,
        "left_companies": update.left_companies,
        "returned_companies": update.returned_companies,
        "unknown_code_set_companies": unknown_code_set_companies,
        "source_updated_at": source_updated_at,
        "applied_at": datetime.now(UTC).replace(tzinfo=None),
        "is_sample_data": is_sample_data,
    }
    earlier = pa.Table.from_pandas(dumps, schema=DUMPS_SCHEMA, preserve_index=False)
    new_dumps = pa.concat_tables([earlier, pa.Table.from_pylist([row], DUMPS_SCHEMA)])
    _write_atomic(pa.Table.from_pandas(folded, schema=HISTORY_SCHEMA, preserve_index=False), history_path)
    _write_atomic(new_dumps, dumps_path)
    return update


def _write_atomic(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, temp, compression="zstd")
    os.replace(temp, path)


def landed_versions(landing_dir: Path) -> list[Path]:
    """Every complete landed version of the dump, oldest first (what retention has kept)."""
    folder = landing_dir / PRH_COMPANIES.source / PRH_COMPANIES.name
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.suffix == "" and (p / "manifest.json").exists())


def rebuild_history(
    versions: list[Path], history_path: Path, dumps_path: Path, max_uncompressed: int, max_unknown_share: float = 0.01
) -> list[HistoryUpdate]:
    """Rebuild the history from landed dumps in date order; a dump that fails to parse is skipped."""
    history_path.unlink(missing_ok=True)
    dumps_path.unlink(missing_ok=True)
    updates = []
    for version in sorted(versions, key=lambda v: (dump_date_of(v), v.name)):
        scratch = history_path.parent / f".rebuild-{version.name}"
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            staged = parse_landed(version, scratch, max_uncompressed, max_unknown_share, with_forms=False)
        except SourceError as exc:
            updates.append(HistoryUpdate(dump_date_of(version), False, note=str(exc)))
            shutil.rmtree(scratch, ignore_errors=True)
            continue
        updated, sample = _provenance(version)
        updates.append(
            apply_dump(
                history_path,
                dumps_path,
                staged.companies,
                dump_date_of(version),
                version.name,
                source_updated_at=updated,
                is_sample_data=sample,
                unknown_code_set_companies=staged.unknown_code_set_rows,
            )
        )
        shutil.rmtree(scratch, ignore_errors=True)
    return updates


# --- download: streamed to disk, conditional ------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """One `all_companies` response: `not_modified` when the server answered 304."""

    not_modified: bool
    url: str
    status: int
    etag: str | None = None
    last_modified: str | None = None
    bytes: int = 0
    sha256: str | None = None
    content_type: str | None = None
    attachment: str | None = None


def http_date_to_iso(value: str | None) -> str | None:
    """`Last-Modified` (an HTTP date) as ISO 8601 UTC, the form every source version is kept in."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return None


def download_dump(
    session: SourceSession, url: str, target: Path, *, etag: str | None = None, last_modified: str | None = None
) -> Download:
    """GET the dump into `target` in chunks under the session's size cap; a 304 downloads nothing."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        response = session.open_stream("GET", url, headers=headers)
    except requests.exceptions.RequestException as exc:
        raise SourceError(SOURCE, "URL", url, f"cannot download ({exc.__class__.__name__})") from exc
    with response:
        if response.status_code == 304:
            return Download(True, url, 304, etag, last_modified)
        if response.status_code >= 400:
            snippet = response.raw.read(200).decode("utf-8", "replace").strip()
            raise SourceError(SOURCE, "HTTP status", response.status_code, f"for GET {url}: {snippet}")
        kind = response.headers.get("Content-Type") or ""
        if kind.lower().startswith(("text/", "application/json")):
            raise SourceError(SOURCE, "Content-Type", kind, f"for GET {url}: expected a ZIP archive")
        cap = session.max_response_bytes
        declared = int(response.headers.get("Content-Length") or 0)
        if declared > cap:
            raise SourceError(SOURCE, "Content-Length", declared, f"response larger than the cap of {cap} bytes")
        digest = hashlib.sha256()
        written = 0
        try:
            with target.open("wb") as fh:
                for chunk in response.iter_content(CHUNK_BYTES):
                    written += len(chunk)
                    if written > cap:
                        raise SourceError(SOURCE, "body", f"> {cap} bytes", "response exceeded the size cap")
                    digest.update(chunk)
                    fh.write(chunk)
        except requests.exceptions.RequestException as exc:
            raise SourceError(SOURCE, "body", f"{written} bytes read", f"response was cut off ({exc})") from exc
        if declared and written != declared:
            raise SourceError(SOURCE, "body", f"{written} bytes read", f"Content-Length said {declared}")
        return Download(
            False,
            response.url,
            response.status_code,
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
            written,
            digest.hexdigest(),
            response.headers.get("Content-Type"),
            response.headers.get("Content-Disposition"),
        )


def remote_version(session: SourceSession, base_url: str) -> str:
    """The dump's current version (Last-Modified as ISO, else the ETag) from a HEAD request."""
    url = f"{base_url.rstrip('/')}/all_companies"
    try:
        response = session.request("HEAD", url)
    except requests.exceptions.RequestException as exc:
        raise SourceError(SOURCE, "URL", url, f"cannot connect ({exc.__class__.__name__})") from exc
    if response.status_code >= 400:
        raise SourceError(SOURCE, "HTTP status", response.status_code, f"for HEAD {url}")
    return http_date_to_iso(response.headers.get("Last-Modified")) or response.headers.get("ETag") or ""


def land_company_forms(session: SourceSession, base_url: str, version: LandingVersion) -> int:
    """Land `GET /description?code=YRMU&lang=fi` beside the dump; vetted now so a bad list fails the landing."""
    url = f"{base_url.rstrip('/')}{FORMS_ENDPOINT}"
    response = get_checked(session, SOURCE, url, params=FORMS_PARAMS)
    path = version.add(FORMS_FILE, response, query=FORMS_PARAMS)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(SOURCE, f"{FORMS_ENDPOINT}?code=YRMU", url, "not UTF-8 text") from exc
    return len(parse_company_forms(text))


def land_all_companies(settings: Settings, session: SourceSession, dataset: ZipDumpDataset = PRH_COMPANIES) -> Landed:
    """Stream the dump into a new landing version, or report the last good one unchanged.

    The previous version's ETag and Last-Modified make the request conditional; a server that ignores
    them and sends the same bytes again is caught by the hash, and the copy is dropped.
    """
    url = f"{settings.prh_base_url}{dataset.endpoint}"
    session.set_rate_limit(settings.prh_base_url, RATE_LIMIT)
    previous = latest_version(settings.landing_dir, dataset.source, dataset.name)
    before = read_manifest(previous) if previous else None
    if before is not None and before.mode != settings.mode:
        before = None
    validators = before.details if before else {}
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        target = version.partial_dir / ZIP_FILE
        got = download_dump(
            session, url, target, etag=validators.get("etag"), last_modified=validators.get("last_modified")
        )
        same_bytes = before is not None and got.sha256 is not None and got.sha256 == validators.get("sha256")
        if got.not_modified or same_bytes:
            if before is None or previous is None:
                raise SourceError(SOURCE, "HTTP status", got.status, "304 Not Modified but nothing has landed yet")
            version.discard()
            record_attempt(
                settings.landing_dir,
                dataset.source,
                dataset.name,
                settings.mode,
                "unchanged",
                version=before.version,
                source_updated=before.source_updated,
            )
            return Landed(previous, before, unchanged=True)
        member = check_archive(target, settings.prh_max_uncompressed_bytes)
        forms = land_company_forms(session, settings.prh_base_url, version)
        stamp = http_date_to_iso(got.last_modified) or utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
        version.manifest.responses.append(
            LandedResponse(
                file=ZIP_FILE,
                url=got.url,
                method="GET",
                query=None,
                fetched_at=utc_now().isoformat(),
                http_status=got.status,
                bytes=got.bytes,
                sha256=got.sha256 or "",
                content_type=got.content_type,
                source_updated=stamp,
            )
        )
        version.manifest.source_updated = stamp
        version.manifest.details = {
            "endpoint": dataset.endpoint,
            "etag": got.etag,
            "last_modified": got.last_modified,
            "sha256": got.sha256,
            "member": member.filename,
            "attachment": got.attachment,
            "uncompressed_bytes": member.file_size,
            "company_forms": forms,
            "latest_period": stamp[:10],
            "fingerprint": fingerprint({"endpoint": dataset.endpoint}),
        }
    return Landed(version.final_dir, version.manifest)


def _provenance(version_dir: Path) -> tuple[datetime | None, bool]:
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
    updated, sample = _provenance(version_dir)
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
    updated, sample = _provenance(version_dir)
    return stage_dump(
        version_dir / ZIP_FILE,
        companies_path,
        situations_path,
        max_uncompressed=max_uncompressed,
        source_updated_at=updated,
        is_sample_data=sample,
    )


# --- /companies search with paging ---------------------------------------------------------------


class CompaniesClient:
    """`GET /companies`: 100 a page, throttled to the shared limit, guarded against the page-1 trap.

    A page past the end silently returns the first page again, so paging stops on
    `page * 100 >= totalResults` and a page repeating an earlier one fails loudly.
    """

    def __init__(self, session: SourceSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        session.set_rate_limit(self.base_url, RATE_LIMIT)

    def page(self, page: int, **params: str) -> dict[str, Any]:
        """One page of results (`page` counts from 1)."""
        url = f"{self.base_url}/companies"
        response = get_checked(self.session, SOURCE, url, params={**params, "page": page})
        try:
            doc = response.json()
        except ValueError as exc:
            raise SourceError(SOURCE, f"/companies page {page}", response.text[:80], "not JSON") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("companies"), list):
            raise SourceError(SOURCE, f"/companies page {page}", type(doc).__name__, "no companies[] in the answer")
        if not isinstance(doc.get("totalResults"), int):
            raise SourceError(SOURCE, "totalResults", doc.get("totalResults"), "not a whole number")
        return doc

    def search(self, **params: str) -> Iterator[dict[str, Any]]:
        """Every company matching the filters (e.g. `registrationDateStart="2026-11-01"`)."""
        seen_pages: dict[tuple[str, ...], int] = {}
        number = 1
        while True:
            doc = self.page(number, **params)
            companies = doc["companies"]
            ids = tuple(str((c.get("businessId") or {}).get("value")) for c in companies if isinstance(c, dict))
            if ids and ids in seen_pages:
                raise SourceError(
                    SOURCE,
                    "/companies page",
                    number,
                    f"repeats page {seen_pages[ids]} (a page past the end returns the first page)",
                )
            seen_pages[ids] = number
            yield from companies
            if number * PAGE_SIZE >= doc["totalResults"] or not companies:
                return
            number += 1


def registered_since(session: SourceSession, base_url: str, start: date) -> list[dict[str, Any]]:
    """Companies registered on or after `start`: the incremental lookup between two daily dumps."""
    return list(CompaniesClient(session, base_url).search(registrationDateStart=start.isoformat()))
