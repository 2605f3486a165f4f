"""The register history across dumps: the dump holds only companies currently registered, so closures are
read by folding every staged dump into a compact history (a company that leaves gets the first dump without it).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.catalogue import PRH_COMPANIES
from ingestion.durable import written_beside
from ingestion.errors import SourceError
from ingestion.landing import (
    read_manifest,
)
from ingestion.prh.parse import landed_provenance, parse_landed
from ingestion.prh.schemas import DUMPS_SCHEMA, HISTORY_COLUMNS, HISTORY_SCHEMA, ISO_DATE, SOURCE

DUMP_MEMBER = re.compile(r"data_(\d{8})\.json$", re.IGNORECASE)
DUMP_ATTACHMENT = re.compile(r"all_companies_(\d{8})\.zip", re.IGNORECASE)
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
    with written_beside(path) as temp:
        pq.write_table(table, temp, compression="zstd")


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
        updated, sample = landed_provenance(version)
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
