"""The release history of every figure (vintages), parsed from the landed versions, never re-downloaded.

Landing keeps every version of a dataset; staging parses only the newest. Here every landed version
with a distinct source release (`manifest.source_updated`) is parsed with the same tidy function as
the newest (`tidy_pxweb_table`, `tidy_kela_benefit`: no parallel parser) and reduced to one figure
per row: (dataset, area_code, month, measure, breakdown, value, is_suppressed, source_updated_at,
landing_version). A figure has a row for the release that first published it and for every later
release that changed its value (or its suppression); a release re-publishing it unchanged adds none,
so the history grows by the new months and the revisions, not by a copy of the table per release.
dbt turns these into `fct_figure_releases` and `mart_revisions`.

- Versions of the same release (landed twice, e.g. after a selection change) collapse to the newest.
- Versions landed in another mode than the newest (sample next to live) are left out.
- Each version's figures are cached under `cache/figure_releases/` by version name (versions are
  immutable), so a nightly run parses only the new version; a rebuild from landing gives the same
  rows, as nothing run-dependent (load time) is kept. A cache file is written beside, synced and
  renamed (`ingestion.durable`); one that cannot be read (damaged on disk, or not the staged
  columns) is parsed again from its landing version with a warning, and the temporary files of a
  killed run are removed by the next. The cache is only a shortcut: a failure to write it warns.
- A version that fails to parse stops the history with a sentence naming the version; the staging of
  the newest version is a separate step and is not affected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT, LABOUR_MARKET, CkanCsvDataset, PxWebDataset
from ingestion.durable import remove_left_over_temps, written_beside
from ingestion.errors import TilannekuvaError, exception_phrase
from ingestion.kela import MEASURES as KELA_MEASURES
from ingestion.kela import tidy_kela_benefit
from ingestion.landing import VersionManifest, read_manifest
from ingestion.pxweb import tidy_pxweb_table
from ingestion.staged_schemas import schema_of

# Under the data directory, beside staging: the cache is not an input dbt reads.
CACHE_DIR = "cache/figure_releases"
# Bump when the figures' shape changes, so cached versions are parsed again.
CACHE_FORMAT = 1
SUFFIX = "_releases"
KEY = ["dataset", "area_code", "month", "measure", "breakdown", "source_updated_at"]

log = logging.getLogger(__name__)
Warn = Callable[[str], None]


class ReleaseHistoryError(TilannekuvaError):
    """A landed version could not be parsed into the release history."""


def _labour_market_figures(tidy: pd.DataFrame) -> pd.DataFrame:
    """12r5 cells as figures: every area the table publishes, a suppressed cell kept as NULL."""
    return pd.DataFrame(
        {
            "area_code": tidy["area_code"],
            "month": tidy["month"],
            "measure": tidy["measure"],
            "breakdown": "",
            "value": tidy["value"],
        }
    )


def _kela_figures(tidy: pd.DataFrame) -> pd.DataFrame:
    """Kela's rows as figures per employment area, one measure per row, breakdown `benefit / days class`.

    Pooled small groups belong to no area and are left out (as in the marts).
    """
    areas = tidy[~tidy["is_pooled_area"]]
    long = areas.melt(
        id_vars=["employment_area_code", "month", "benefit", "days_class"],
        value_vars=list(KELA_MEASURES.values()),
        var_name="measure",
        value_name="value",
    )
    return pd.DataFrame(
        {
            "area_code": long["employment_area_code"].astype(str),
            "month": long["month"],
            "measure": long["measure"],
            "breakdown": long["benefit"] + " / " + long["days_class"],
            "value": long["value"],
        }
    )


@dataclass(frozen=True)
class ReleaseHistory:
    """A dataset whose release history is kept: its tidy function and how tidy rows become figures."""

    dataset: PxWebDataset | CkanCsvDataset
    tidy: Callable[[Path], pd.DataFrame]
    figures: Callable[[pd.DataFrame], pd.DataFrame]

    @property
    def source(self) -> str:
        return self.dataset.source

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def table(self) -> str:
        """The staged table of the history: `<dataset>_releases`."""
        return f"{self.dataset.name}{SUFFIX}"

    @property
    def label(self) -> str:
        return f"{self.source}/{self.name}"


HISTORIES: tuple[ReleaseHistory, ...] = (
    ReleaseHistory(LABOUR_MARKET, lambda v: tidy_pxweb_table(v, LABOUR_MARKET), _labour_market_figures),
    ReleaseHistory(KELA_UNEMPLOYMENT_BENEFIT, lambda v: tidy_kela_benefit(v, KELA_UNEMPLOYMENT_BENEFIT), _kela_figures),
)


def release_versions(dataset_dir: Path) -> list[tuple[Path, VersionManifest]]:
    """One landed version per distinct source release, oldest release first.

    Complete versions only, in the newest version's mode, with a release stamp; of several versions of
    one release the newest is kept (it holds the current selection).
    """
    complete = sorted(
        p for p in dataset_dir.iterdir() if p.is_dir() and p.suffix == "" and (p / "manifest.json").is_file()
    )
    if not complete:
        return []
    manifests = [(p, read_manifest(p)) for p in complete]
    mode = manifests[-1][1].mode
    by_release: dict[str, tuple[Path, VersionManifest]] = {}
    for path, manifest in manifests:
        if manifest.status == "ok" and manifest.mode == mode and manifest.source_updated:
            by_release[manifest.source_updated] = (path, manifest)
    return sorted(by_release.values(), key=lambda pm: pd.Timestamp(pm[1].source_updated))


def _normalise(
    history: ReleaseHistory, figures: pd.DataFrame, version: Path, manifest: VersionManifest
) -> pd.DataFrame:
    """The staged columns in the declared order and types, with the version's release and provenance."""
    stamp = pd.Timestamp(manifest.source_updated)
    stamp = stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp
    frame = figures.assign(
        dataset=history.label,
        is_suppressed=figures["value"].isna(),
        source_updated_at=stamp,
        landing_version=version.name,
        is_sample_data=manifest.mode == "sample",
    )
    frame["value"] = frame["value"].astype("float64")
    frame["source_updated_at"] = frame["source_updated_at"].astype("datetime64[us]")
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    for column in ("dataset", "area_code", "measure", "breakdown", "landing_version"):
        frame[column] = frame[column].astype(str)
    columns = schema_of(history.source, history.table).names
    return frame[columns]


def _cache_path(cache_dir: Path, history: ReleaseHistory, version: Path) -> Path:
    return cache_dir / history.source / history.name / f"{version.name}.v{CACHE_FORMAT}.parquet"


def _read_cache(history: ReleaseHistory, cached: Path) -> pd.DataFrame:
    """A cached version's figures; ValueError when they are not the staged table's columns."""
    frame = pd.read_parquet(cached)
    expected = schema_of(history.source, history.table).names
    if list(frame.columns) != expected:
        raise ValueError(f"columns {', '.join(map(str, frame.columns))} are not {', '.join(expected)}")
    return frame


def _write_cache(frame: pd.DataFrame, cached: Path, warn: Warn) -> None:
    """Write beside, sync, rename; a cache that cannot be written costs a re-parse next time, not the run."""
    try:
        with written_beside(cached) as tmp:
            frame.to_parquet(tmp, index=False)
    except OSError as exc:
        warn(f"release-history cache {cached} cannot be written ({exc}); the version is parsed again next run")


def version_figures(
    history: ReleaseHistory, version: Path, cache_dir: Path, warn: Warn = log.warning
) -> tuple[pd.DataFrame, bool]:
    """The figures of one landed version and whether they came from the cache (parsed once per version).

    A cache file that cannot be read is not trusted: the version is parsed again, the cache
    rewritten, and `warn` names the file and the problem.
    """
    cached = _cache_path(cache_dir, history, version)
    if cached.is_file():
        try:
            return _read_cache(history, cached), True
        except (OSError, ValueError, pa.ArrowException) as exc:
            warn(
                f"{history.label}: release-history cache {cached} of landing version {version.name} cannot be "
                f"read ({exception_phrase(exc)}); parsing the version again"
            )
    manifest = read_manifest(version)
    try:
        figures = history.figures(history.tidy(version))
    except (TilannekuvaError, ValueError, KeyError, OSError) as exc:
        raise ReleaseHistoryError(
            f"{history.label}: landing version {version.name} (release {manifest.source_updated}) cannot be "
            f"parsed for the release history: {exc}"
        ) from exc
    frame = _normalise(history, figures, version, manifest)
    _write_cache(frame, cached, warn)
    return frame, False


@dataclass
class HistoryRun:
    """What one build of a history did: releases kept, versions parsed now and read from the cache."""

    releases: list[str]
    parsed: list[str]
    cached: list[str]
    removed_temps: list[Path] = field(default_factory=list)


def build_history(
    history: ReleaseHistory, landing_dir: Path, cache_dir: Path, warn: Warn = log.warning
) -> tuple[pd.DataFrame, HistoryRun]:
    """Every release of a dataset as figures, in a stable order (a rebuild gives the same rows)."""
    dataset_dir = landing_dir / history.source / history.name
    chosen = release_versions(dataset_dir) if dataset_dir.is_dir() else []
    run = HistoryRun([], [], [])
    run.removed_temps = remove_left_over_temps(cache_dir / history.source / history.name)
    frames = []
    for version, manifest in chosen:
        frame, from_cache = version_figures(history, version, cache_dir, warn)
        frames.append(frame)
        run.releases.append(str(manifest.source_updated))
        (run.cached if from_cache else run.parsed).append(version.name)
    schema = schema_of(history.source, history.table)
    if not frames:
        return schema.empty_table().to_pandas(), run
    return changes_only(pd.concat(frames, ignore_index=True)), run


def changes_only(frame: pd.DataFrame) -> pd.DataFrame:
    """Per figure, the release that first published it and every later release that changed it.

    A release re-publishing a figure unchanged adds no row: the value stands until a row of a later
    release replaces it. Twelve monthly releases of 12r5 thus add twelve months of cells plus their
    revisions, not twelve copies of the whole table.
    """
    ordered = frame.sort_values(KEY, ignore_index=True)
    figure = KEY[:-1]
    same_figure = (ordered[figure] == ordered[figure].shift()).all(axis=1)
    previous = ordered["value"].shift()
    same_value = (ordered["value"] == previous) | (ordered["value"].isna() & previous.isna())
    same_flag = ordered["is_suppressed"] == ordered["is_suppressed"].shift()
    return ordered[~(same_figure & same_value & same_flag)].reset_index(drop=True)


def history_tidy(history: ReleaseHistory, cache_dir: Path, warn: Warn = log.warning) -> Callable[[Path], pd.DataFrame]:
    """A tidy function for `ingestion.staging.stage`: given the newest version, the whole release history.

    `warn` takes the sentences about damaged or unwritable cache files (the asset's log).
    """

    def tidy(version: Path) -> pd.DataFrame:
        frame, _ = build_history(history, version.parent.parent.parent, cache_dir, warn)
        return frame

    return tidy
