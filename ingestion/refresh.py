"""Per-dataset isolation and the dataset status table.

A failing source must not stop the others: `attempt_landing` turns an expected failure into an
outcome that carries the dataset's last good version (marked stale), and logs the attempt in the
dataset's `manifest.jsonl`. `dataset_status` reads those logs back into one row per dataset, the
freshness facts the warehouse publishes (`staging/pipeline/dataset_status.parquet`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ingestion.catalogue import (
    DATASETS,
    LABOUR_MARKET,
    MUNICIPALITY_AREAS,
    PRH_COMPANIES,
    CkanCsvDataset,
    ClassificationDataset,
    ClassificationItemsDataset,
    ItemCorrespondenceDataset,
    PxWebDataset,
    ZipDumpDataset,
    is_enabled,
)
from ingestion.errors import TilannekuvaError
from ingestion.landing import Landed, latest_version, read_attempts, read_manifest, record_attempt
from ingestion.prh.history import register_note
from ingestion.settings import Settings

Dataset = (
    PxWebDataset
    | ClassificationDataset
    | ClassificationItemsDataset
    | ItemCorrespondenceDataset
    | CkanCsvDataset
    | ZipDumpDataset
)
STATUS_SOURCE = "pipeline"
STATUS_DATASET = "dataset_status"
STATUS_COLUMNS = [
    "source",
    "dataset",
    "source_table",
    "landing_version",
    "source_updated",
    "fetched_at",
    "last_attempt_at",
    "last_attempt_status",
    "last_error",
    "is_stale",
    "latest_period",
    "data_note",
    "is_sample_data",
]
STALE_STATUSES = frozenset({"failed", "disabled"})
NOT_AVAILABLE = "not_available"
# Without these nothing meaningful can be published: every mart is keyed on 12r5's areas and months.
CORE_DATASETS: tuple[Dataset, ...] = (LABOUR_MARKET, MUNICIPALITY_AREAS)


@dataclass(frozen=True)
class LandingOutcome:
    """What one landing attempt left for downstream: `landed`, `unchanged`, `failed` or `disabled`.

    `landed` is the version to build from (the new one, or the last good one when the attempt
    failed or the source is disabled); None when no good version exists at all: the dataset is
    `not_available` and staging writes an empty file for it (its landing_version stays NULL).
    """

    status: str
    landed: Landed | None
    error: str | None = None
    disabled_by: str = ""

    @property
    def is_stale(self) -> bool:
        return self.status in STALE_STATUSES

    @property
    def is_available(self) -> bool:
        return self.landed is not None

    @property
    def availability(self) -> str:
        """The landing asset's status: the attempt's outcome, or `not_available` when nothing good exists."""
        return self.status if self.is_available else NOT_AVAILABLE

    def reason(self) -> str:
        """Why the attempt brought nothing new, in words an operator reads (empty when it did)."""
        if self.status == "disabled":
            return f"its source is disabled by TILANNEKUVA_SOURCES={self.disabled_by}"
        if self.status == "failed":
            return f"its source failed: {self.error}"
        return ""


def is_core(dataset: Dataset) -> bool:
    """Whether a publish is impossible without this dataset."""
    return any(dataset.source == c.source and dataset.name == c.name for c in CORE_DATASETS)


def core_missing_sentence(missing: list[tuple[str, str]]) -> str:
    """One sentence for the core datasets (label, reason) that have no good version yet."""
    labels = " and ".join(label for label, _ in missing)
    unique = list(dict.fromkeys(reason for _, reason in missing))
    if len(unique) == 1:
        shared = unique[0]
        if len(missing) > 1:
            shared = shared.replace("its source is", "their sources are", 1).replace("its source", "their sources", 1)
        reasons = shared
    else:
        reasons = "; ".join(f"{label}: {reason}" for label, reason in missing if reason)
    verb = "has" if len(missing) == 1 else "have"
    because = f" ({reasons})" if reasons else ""
    return (
        f"{labels} {verb} no good version yet{because}; "
        "the core data (12r5 and the area classification) are needed to publish."
    )


def missing_core(settings: Settings) -> str | None:
    """The one-sentence failure when a core dataset has no good version, else None (read from the status)."""
    status = dataset_status(settings, CORE_DATASETS)
    missing = []
    for rec in status.to_dict("records"):
        if not pd.isna(rec["landing_version"]):
            continue
        attempt = LandingOutcome(
            str(rec["last_attempt_status"]) if not pd.isna(rec["last_attempt_status"]) else "",
            None,
            error=None if pd.isna(rec["last_error"]) else str(rec["last_error"]),
            disabled_by=",".join(settings.sources or ()),
        )
        missing.append((f"{rec['source']}/{rec['dataset']}", attempt.reason()))
    return core_missing_sentence(missing) if missing else None


def _last_good(settings: Settings, dataset: Dataset) -> Landed | None:
    version = latest_version(settings.landing_dir, dataset.source, dataset.name)
    return Landed(version, read_manifest(version)) if version else None


def attempt_landing(settings: Settings, dataset: Dataset, land: Callable[[], Landed]) -> LandingOutcome:
    """Run one dataset's landing, isolating an expected failure to this dataset."""
    if not is_enabled(dataset, settings.sources):
        record_attempt(settings.landing_dir, dataset.source, dataset.name, settings.mode, "disabled")
        return LandingOutcome("disabled", _last_good(settings, dataset), disabled_by=",".join(settings.sources or ()))
    try:
        landed = land()
    except TilannekuvaError as exc:
        if not getattr(exc, "landing_logged", False):
            record_attempt(settings.landing_dir, dataset.source, dataset.name, settings.mode, "failed", error=str(exc))
        return LandingOutcome("failed", _last_good(settings, dataset), error=str(exc))
    return LandingOutcome("unchanged" if landed.unchanged else "landed", landed)


def source_table(dataset: Dataset, details: dict[str, object] | None = None) -> str:
    """The source's own name of the table behind a dataset."""
    if isinstance(dataset, PxWebDataset):
        # a table found by title records the id it resolved to
        return str((details or {}).get("table") or dataset.table)
    if isinstance(dataset, ClassificationItemsDataset):
        # a classification found by listing records the id it resolved to
        return str((details or {}).get("classification_id") or dataset.classification_id)
    if isinstance(dataset, ItemCorrespondenceDataset):
        return str((details or {}).get("correspondence") or f"{dataset.from_classification.classification_id}#…")
    if isinstance(dataset, CkanCsvDataset):
        return f"avoindata.fi/{dataset.package_id}"
    if isinstance(dataset, ZipDumpDataset):
        return f"{dataset.source}{dataset.endpoint}"
    correspondences = (details or {}).get("correspondences")
    if isinstance(correspondences, dict) and correspondences:
        return ";".join(str(v) for v in correspondences.values())
    return f"{dataset.source}/{dataset.name}"


def _timestamp(value: str | None) -> pd.Timestamp | None:
    if not value:
        return None
    stamp = pd.Timestamp(value)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def data_note(settings: Settings, dataset: Dataset) -> str | None:
    """A dataset's caveat that its rows alone do not show (today: the PRH register history)."""
    if dataset is PRH_COMPANIES:
        return register_note(settings.staging_dir / PRH_COMPANIES.source / "register_dumps.parquet")
    return None


def dataset_status(settings: Settings, datasets: tuple[Dataset, ...] = DATASETS) -> pd.DataFrame:
    """One row per catalogued dataset: its last good version, last attempt and whether it is stale."""
    rows = []
    for dataset in datasets:
        attempts = read_attempts(settings.landing_dir, dataset.source, dataset.name)
        last = attempts[-1] if attempts else {}
        version = latest_version(settings.landing_dir, dataset.source, dataset.name)
        manifest = read_manifest(version) if version else None
        status = last.get("status")
        rows.append(
            {
                "source": dataset.source,
                "dataset": dataset.name,
                "source_table": source_table(dataset, manifest.details if manifest else None),
                "landing_version": manifest.version if manifest else None,
                "source_updated": _timestamp(manifest.source_updated if manifest else None),
                "fetched_at": _timestamp(manifest.completed_at if manifest else None),
                "last_attempt_at": _timestamp(last.get("completed_at")),
                "last_attempt_status": status,
                "last_error": last.get("error"),
                "is_stale": manifest is None or status in STALE_STATUSES,
                "latest_period": str(manifest.details.get("latest_period")) if manifest else None,
                "data_note": data_note(settings, dataset) if manifest else None,
                "is_sample_data": manifest.mode == "sample" if manifest else settings.is_sample,
            }
        )
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    for column in ("source_updated", "fetched_at", "last_attempt_at"):
        frame[column] = pd.to_datetime(frame[column])
    text_columns = ("source", "dataset", "source_table", "landing_version", "last_attempt_status", "last_error")
    for column in (*text_columns, "data_note"):
        frame[column] = frame[column].astype("string")
    frame["latest_period"] = frame["latest_period"].astype("string")
    frame["is_stale"] = frame["is_stale"].astype(bool)
    frame["is_sample_data"] = frame["is_sample_data"].astype(bool)
    return frame
