"""Cheap release polling: has a source published something newer than what has landed?

Only metadata is read — one table list per PxWeb subject folder (each entry has an `updated`
stamp) and the classification service's list of correspondence tables — through the same client
and session as a refresh, so sample mode answers from the snapshot. The table list's stamp has been
seen re-stamped in bulk: a re-stamp costs one idempotent refresh, never a missed release.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ingestion.catalogue import (
    DATASETS,
    CkanCsvDataset,
    ClassificationDataset,
    ClassificationItemsDataset,
    ItemCorrespondenceDataset,
    PxWebDataset,
    ZipDumpDataset,
)
from ingestion.classification_items import classification_id_date
from ingestion.classifications import ClassificationClient, choose_correspondence
from ingestion.errors import SourceError
from ingestion.http import SourceSession
from ingestion.kela import package_show, package_stamp
from ingestion.landing import latest_version, read_manifest
from ingestion.prh.land import remote_version
from ingestion.pxweb import PxWebClient, find_table, list_folders
from ingestion.settings import Settings


@dataclass(frozen=True)
class ReleaseState:
    """A dataset's release stamp at the source against the stamp of its newest landed version."""

    source: str
    name: str
    published: str
    landed: str | None

    @property
    def dataset(self) -> str:
        return f"{self.source}/{self.name}"

    @property
    def is_new(self) -> bool:
        """Newer at the source than in landing (nothing landed yet counts as new)."""
        if self.landed is None:
            return True
        return _as_time(self.published) > _as_time(self.landed)


def _as_time(stamp: str) -> datetime:
    """Release stamps as comparable times: `2026-08-25T05:00:00Z`, `2026-07-21T05.00.00Z` or a date."""
    text = stamp.strip().replace("Z", "+00:00")
    date_part, sep, time_part = text.partition("T")
    text = f"{date_part}T{time_part.replace('.', ':', 2)}" if sep else date_part
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _landed_stamp(settings: Settings, source: str, name: str) -> str | None:
    version = latest_version(settings.landing_dir, source, name)
    return read_manifest(version).source_updated if version else None


def pxweb_release(settings: Settings, session: SourceSession, dataset: PxWebDataset) -> ReleaseState:
    """The table's `updated` stamp from its subject folder's table list."""
    client = PxWebClient(session, settings.pxweb_base_url, settings.language)
    if dataset.title_pattern:
        # found by title, in the current or the archive database, exactly as the landing chooses it
        folders = list_folders(client, (dataset.subject, *dataset.archive_subjects))
        choice = find_table([(subject, tables) for subject, tables, _ in folders], dataset.title_pattern)
        entry: dict[str, Any] | None = {"id": choice.table_id, "updated": choice.updated}
    else:
        tables, _ = client.list_tables(dataset.subject)
        entry = next((t for t in tables if isinstance(t, dict) and t.get("id") == dataset.table_id), None)
    if entry is None:
        raise SourceError(f"PxWeb {dataset.subject}", "table list id", dataset.table_id, "table not in the folder")
    stamp = entry.get("updated")
    if not isinstance(stamp, str) or not stamp:
        raise SourceError(f"PxWeb {dataset.subject}", f"{dataset.table_id} updated", stamp, "no release stamp")
    try:
        _as_time(stamp)
    except ValueError as exc:
        raise SourceError(f"PxWeb {dataset.subject}", f"{dataset.table_id} updated", stamp, "not a time") from exc
    return ReleaseState(dataset.source, dataset.name, stamp, _landed_stamp(settings, dataset.source, dataset.name))


def classification_release(
    settings: Settings, session: SourceSession, dataset: ClassificationDataset, on: date | None = None
) -> ReleaseState:
    """The correspondences a refresh would choose today; new when they differ from the landed ones."""
    client = ClassificationClient(session, settings.classification_base_url)
    entries, _ = client.list_correspondences()
    chosen = {target: choose_correspondence(entries, target, on or date.today()) for target in dataset.targets}
    stamp = ";".join(f"{target}={chosen[target]}" for target in sorted(chosen))
    version = latest_version(settings.landing_dir, dataset.source, dataset.name)
    landed = None
    if version is not None:
        landed_ids = read_manifest(version).details.get("correspondences", {})
        landed = ";".join(f"{target}={landed_ids[target]}" for target in sorted(landed_ids))
    return _IdRelease(dataset.source, dataset.name, stamp, landed)


@dataclass(frozen=True)
class _IdRelease(ReleaseState):
    """A release identified by the chosen correspondence ids: new when they changed."""

    @property
    def is_new(self) -> bool:
        return self.landed != self.published


def poll_releases(settings: Settings, session: SourceSession) -> tuple[list[ReleaseState], list[SourceError]]:
    """Every catalogued dataset's release state; a source that cannot be read is reported, not raised."""
    states: list[ReleaseState] = []
    problems: list[SourceError] = []
    for dataset in DATASETS:
        try:
            if isinstance(dataset, PxWebDataset):
                states.append(pxweb_release(settings, session, dataset))
            elif isinstance(dataset, CkanCsvDataset):
                package, _ = package_show(session, settings.kela_base_url, dataset.package_id)
                stamp = package_stamp(package, dataset.resource_format) or ""
                landed = _landed_stamp(settings, dataset.source, dataset.name)
                states.append(ReleaseState(dataset.source, dataset.name, stamp, landed))
            elif isinstance(dataset, ZipDumpDataset):
                stamp = remote_version(session, settings.prh_base_url)
                states.append(
                    ReleaseState(
                        dataset.source, dataset.name, stamp, _landed_stamp(settings, dataset.source, dataset.name)
                    )
                )
            elif isinstance(dataset, ClassificationItemsDataset | ItemCorrespondenceDataset):
                # versioned by its id: a revision is a new id, so only a missing landing is new (a classification
                # found by listing is re-listed by the nightly refresh itself)
                landed = _landed_stamp(settings, dataset.source, dataset.name)
                items = dataset if isinstance(dataset, ClassificationItemsDataset) else dataset.from_classification
                published = landed or classification_id_date(items.classification_id)
                states.append(_IdRelease(dataset.source, dataset.name, published, landed))
            else:
                states.append(classification_release(settings, session, dataset))
        except SourceError as exc:
            problems.append(exc)
    return states, problems
