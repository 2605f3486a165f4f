"""Staging as one plain procedure: landed version → tidy → validate → quarantine or promote.

Landing keeps every response as received; staging turns the newest good landing version of a
dataset into the tidy Parquet files dbt reads. `stage` is the whole procedure, with no Dagster in it,
so quarantine and promotion can be tested on their own and every dataset goes through the same
steps in the same order:

1. no good version yet → empty files of the declared schema (dbt still builds, marts stay empty);
2. the version already staged (the marker beside the first file names it) → nothing is done;
3. otherwise tidy the version and validate the result: data failing its suite is quarantined under
   `staging/_quarantine/` and the previously promoted files stay in use; data passing it replaces
   them atomically (readers see the old file or the new one, never half of one).

The validator is passed in, so `ingestion` never imports `quality`. Most datasets are one tidy frame
written as one Parquet file (`FrameStager`); a source staged differently (PRH: a streamed parse into
several files and a register history) plugs in its own `Stager` instead of copying the procedure.
The orchestration layer only turns the returned `StageOutcome` into Dagster results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import pandas as pd
import pyarrow.parquet as pq

from ingestion.durable import written_beside
from ingestion.errors import TilannekuvaError
from ingestion.landing import VersionManifest, latest_version, read_manifest
from ingestion.memory import return_freed_memory
from ingestion.settings import Settings
from ingestion.staged_schemas import write_empty

T = TypeVar("T")
QUARANTINE = "_quarantine"
Status = Literal["not_yet_available", "unchanged", "promoted", "quarantined", "failed"]
Level = Literal["info", "warning"]


class Catalogued(Protocol):
    """A catalogued dataset, as far as staging needs it: where its landing versions are."""

    @property
    def source(self) -> str: ...

    @property
    def name(self) -> str: ...


class Validation(Protocol):
    """What a quality suite returns (quality.runner.SuiteResult), as far as staging needs it."""

    @property
    def success(self) -> bool: ...

    @property
    def outcomes(self) -> Sequence[Any]: ...

    @property
    def failures(self) -> Sequence[Any]: ...

    def summary(self) -> str: ...


@dataclass
class Promoted:
    """What promoting wrote: rows per staged table and any extra facts per table worth reporting."""

    rows: dict[str, int]
    extra: dict[str, dict[str, object]] = field(default_factory=dict)
    notes: list[tuple[Level, str]] = field(default_factory=list)


class Stager(Protocol[T]):
    """How one source tidies, quarantines and promotes a landed version; `stage` does the rest.

    `paths` maps every staged table the stager writes to its file; the first one's marker
    (`<file>.landing_version`) names the landing version last promoted.
    """

    source: str
    paths: dict[str, Path]

    def tidy(self, version: Path) -> T: ...

    def quarantine(self, tidied: T, version: Path) -> Path: ...

    def promote(self, tidied: T, version: Path) -> Promoted: ...


@dataclass(frozen=True)
class StageOutcome:
    """What `stage` did to the files of one dataset, for the caller to report.

    `validation` is the suite's result when the version was validated now (promoted or
    quarantined); `quarantine` where failing data was put aside; `error` the sentence of a version
    that failed to tidy (`failed`: nothing was validated and the staged files are untouched).
    """

    status: Status
    source: str
    paths: dict[str, Path]
    rows: dict[str, int]
    version: Path | None = None
    manifest: VersionManifest | None = None
    validation: Validation | None = None
    quarantine: Path | None = None
    extra: dict[str, dict[str, object]] = field(default_factory=dict)
    notes: list[tuple[Level, str]] = field(default_factory=list)
    error: str | None = None

    @property
    def failure(self) -> str:
        """The sentence a failed or quarantined dataset fails with."""
        if self.error is not None:
            return self.error
        assert self.validation is not None
        kept = "the previous files stay" if len(self.paths) > 1 else "the previous file stays"
        return f"{self.validation.summary()}\nNot promoted; quarantined in {self.quarantine}; {kept}."


def staging_path(settings: Settings, source: str, dataset: str) -> Path:
    """The staged Parquet file of one table: `staging/<source>/<table>.parquet`."""
    return settings.staging_dir / source / f"{dataset}.parquet"


def quarantine_dir(settings: Settings, source: str) -> Path:
    """Where data failing its suite is kept for inspection, away from what dbt reads."""
    return settings.staging_dir / QUARANTINE / source


def marker_of(path: Path) -> Path:
    """The file beside a staged file naming the landing version it was promoted from."""
    return path.with_name(f"{path.name}.landing_version")


def write_parquet_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write beside the target and rename, so readers see the old file or the new one, never half."""
    with written_beside(path) as tmp:
        frame.to_parquet(tmp, index=False)


@dataclass
class FrameStager:
    """A dataset staged as one tidy frame in one Parquet file (every source but PRH)."""

    source: str
    name: str
    path: Path
    quarantine_to: Path
    tidy_frame: Callable[[Path], pd.DataFrame]
    paths: dict[str, Path] = field(init=False)

    def __post_init__(self) -> None:
        self.paths = {self.name: self.path}

    @classmethod
    def of(cls, settings: Settings, source: str, name: str, tidy: Callable[[Path], pd.DataFrame]) -> FrameStager:
        """The stager of `source/name` under the settings' staging directory."""
        return cls(source, name, staging_path(settings, source, name), quarantine_dir(settings, source), tidy)

    def tidy(self, version: Path) -> pd.DataFrame:
        return self.tidy_frame(version)

    def quarantine(self, tidied: pd.DataFrame, version: Path) -> Path:
        target = self.quarantine_to / f"{self.name}-{version.name}.parquet"
        write_parquet_atomic(tidied, target)
        return target

    def promote(self, tidied: pd.DataFrame, version: Path) -> Promoted:
        write_parquet_atomic(tidied, self.path)
        return Promoted(
            rows={self.name: len(tidied)},
            notes=[("info", f"{self.source}/{self.name}: {len(tidied)} rows → {self.path}")],
        )


def stage(
    landing_dir: Path,
    dataset: Catalogued,
    stager: Stager[T],
    validate: Callable[[T], Validation],
) -> StageOutcome:
    """Stage the newest good landing version of `dataset` (its `source` and `name`) through `stager`.

    A version that fails to tidy (the source's own TilannekuvaError, naming what is wrong) ends
    `failed` with that sentence; the staged files are then untouched.
    """
    source, paths = stager.source, stager.paths
    first = next(iter(paths))
    label = f"{source}/{first}"
    version = latest_version(landing_dir, dataset.source, dataset.name)
    if version is None:
        notes: list[tuple[Level, str]] = []
        for name, path in paths.items():
            write_empty(source, name, path)
            marker_of(path).unlink(missing_ok=True)
            notes.append(("warning", f"{source}/{name}: not yet available; staged an empty file"))
        return StageOutcome("not_yet_available", source, paths, dict.fromkeys(paths, 0), notes=notes)
    manifest = read_manifest(version)
    marker = marker_of(paths[first])
    already = marker.exists() and marker.read_text(encoding="utf-8") == version.name
    if already and all(p.exists() for p in paths.values()):
        return StageOutcome(
            "unchanged",
            source,
            paths,
            {name: pq.read_metadata(path).num_rows for name, path in paths.items()},
            version,
            manifest,
            notes=[("info", f"{label}: landing version {version.name} is already staged; unchanged")],
        )
    try:
        return _tidy_and_promote(version, manifest, marker, stager, validate)
    finally:
        return_freed_memory()


def _tidy_and_promote(
    version: Path, manifest: VersionManifest, marker: Path, stager: Stager[T], validate: Callable[[T], Validation]
) -> StageOutcome:
    """Tidy, validate and promote (or quarantine) one landing version.

    A function of its own so that the tidy frame is unreferenced when it returns: `stage` then hands
    its memory back before the next step, which runs in the same process.
    """
    source, paths = stager.source, stager.paths
    try:
        tidied = stager.tidy(version)
    except TilannekuvaError as exc:
        return StageOutcome("failed", source, paths, {}, version, manifest, error=str(exc))
    result = validate(tidied)
    if not result.success:
        where = stager.quarantine(tidied, version)
        return StageOutcome("quarantined", source, paths, {}, version, manifest, result, where)
    promoted = stager.promote(tidied, version)
    marker.write_text(version.name, encoding="utf-8")
    return StageOutcome(
        "promoted", source, paths, promoted.rows, version, manifest, result, None, promoted.extra, promoted.notes
    )
