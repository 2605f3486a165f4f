"""The PRH writer plugged into the staging procedure (`ingestion.staging.stage`).

One landed dump is parsed once into five staged tables: companies, company_situations and
company_forms from the dump, then the register history and its dumps, folded across dumps. The
parse goes to a scratch folder beside the staged files; the suite validates the scratch files, so
data failing it is moved whole under `staging/_quarantine/prh/` and the previous files (and the
history) stay in use. A missing history is rebuilt from the landed versions kept, oldest first.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ingestion.durable import replace_durably
from ingestion.errors import TilannekuvaError
from ingestion.landing import read_manifest
from ingestion.prh.history import apply_dump, dump_date_of, landed_versions, rebuild_history
from ingestion.prh.parse import StagedPrh, parse_landed, promote
from ingestion.prh.schemas import SOURCE
from ingestion.settings import Settings
from ingestion.staging import Level, Promoted, quarantine_dir, staging_path

TABLES = ("companies", "company_situations", "company_forms", "register_history", "register_dumps")


@dataclass
class PrhStager:
    """Stages a landed PRH dump into the five PRH tables; the marker sits beside companies."""

    settings: Settings
    source: str = SOURCE
    paths: dict[str, Path] = field(init=False)

    def __post_init__(self) -> None:
        self.paths = {name: staging_path(self.settings, SOURCE, name) for name in TABLES}

    def _scratch(self, version: Path) -> Path:
        return self.settings.staging_dir / SOURCE / f".scratch-{version.name}"

    def tidy(self, version: Path) -> StagedPrh:
        """Parse the dump and its company-form list into the scratch folder (removed if the parse fails)."""
        scratch = self._scratch(version)
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            return parse_landed(
                version,
                scratch,
                self.settings.prh_max_uncompressed_bytes,
                self.settings.prh_max_unknown_code_set_share,
            )
        except TilannekuvaError:
            shutil.rmtree(scratch, ignore_errors=True)
            raise

    def quarantine(self, tidied: StagedPrh, version: Path) -> Path:
        """Move the whole scratch folder aside, replacing an earlier quarantine of the same version."""
        target = quarantine_dir(self.settings, SOURCE) / f"companies-{version.name}"
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_durably(self._scratch(version), target)
        return target

    def promote(self, tidied: StagedPrh, version: Path) -> Promoted:
        """Rename the parsed files into place, then fold the dump into the register history."""
        settings, paths, staged = self.settings, self.paths, tidied
        promote(staged, paths["companies"], paths["company_situations"], paths["company_forms"])
        shutil.rmtree(self._scratch(version), ignore_errors=True)
        notes: list[tuple[Level, str]] = []
        history, dumps = paths["register_history"], paths["register_dumps"]
        if not history.exists() or not dumps.exists():
            older = [v for v in landed_versions(settings.landing_dir) if v.name < version.name]
            for rebuilt in rebuild_history(
                older, history, dumps, settings.prh_max_uncompressed_bytes, settings.prh_max_unknown_code_set_share
            ):
                notes.append(("info", f"prh register history rebuilt with the dump of {rebuilt.dump_date}: {rebuilt}"))
        manifest = read_manifest(version)
        updated = manifest.source_updated or ""
        folded = apply_dump(
            history,
            dumps,
            paths["companies"],
            dump_date_of(version),
            version.name,
            source_updated_at=pd.Timestamp(updated).tz_localize(None).to_pydatetime() if updated else None,
            is_sample_data=manifest.mode == "sample",
            unknown_code_set_companies=staged.unknown_code_set_rows,
        )
        unknown = staged.unknown_code_set_rows
        if staged.parser != "duckdb":
            notes.append(
                (
                    "warning",
                    "prh: the dump was parsed by the slower reference parse (ijson), as a company held a value "
                    "DuckDB's query does not take as it is; the facts are the same",
                )
            )
        if unknown:
            notes.append(
                (
                    "warning",
                    f"prh: {unknown} of {staged.companies_rows} companies carry an unknown industry code set "
                    f"({json.dumps(staged.unknown_code_sets)}); their industry is left unknown",
                )
            )
        rows = {
            "companies": staged.companies_rows,
            "company_situations": staged.situation_rows,
            "company_forms": pq.read_metadata(paths["company_forms"]).num_rows,
            "register_history": pq.read_metadata(history).num_rows,
            "register_dumps": pq.read_metadata(dumps).num_rows,
        }
        extra: dict[str, dict[str, object]] = {
            "companies": {
                "uncompressed_bytes": staged.uncompressed_bytes,
                "unknown_code_set_companies": unknown,
                "unknown_code_set_share": round(unknown / staged.companies_rows, 6),
                "unknown_code_sets": json.dumps(staged.unknown_code_sets, sort_keys=True),
                "parser": staged.parser,
            },
            "register_history": {
                "dump_date": str(folded.dump_date),
                "folded": folded.applied,
                "new_companies": folded.new_companies,
                "left_companies": folded.left_companies,
                "returned_companies": folded.returned_companies,
                "note": folded.note,
            },
        }
        notes.append(
            (
                "info",
                f"prh: {staged.companies_rows} companies, {staged.situation_rows} open situations staged; "
                f"history: {folded}",
            )
        )
        return Promoted(rows, extra, notes)
