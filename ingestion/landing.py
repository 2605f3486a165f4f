"""Raw responses kept exactly as received, one immutable version directory per fetch.

Layout: `landing/<source>/<dataset>/<version>/` with the response bodies and `manifest.json`;
`landing/<source>/<dataset>/manifest.jsonl` lists every attempt. A version is written under a
`.partial` name and renamed only when complete, so an interrupted or failed fetch never looks like
data and never touches earlier versions (a failed one is kept as `<version>.failed` to inspect).

The shared landing infrastructure every source family uses lives here too: `Landed` (what a landing
returns), `fingerprint` (what a version asks for) and `unchanged_since` (skip a download when the source
has nothing new).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from ingestion.durable import replace_durably
from ingestion.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class LandedResponse:
    """Manifest entry for one response."""

    file: str
    url: str
    method: str
    query: Any
    fetched_at: str
    http_status: int
    bytes: int
    sha256: str
    content_type: str | None
    source_updated: str | None = None


@dataclass
class VersionManifest:
    """What one version holds and where it came from."""

    source: str
    dataset: str
    version: str
    mode: str
    status: str = "partial"
    started_at: str = ""
    completed_at: str | None = None
    source_updated: str | None = None
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    responses: list[LandedResponse] = field(default_factory=list)


class LandingVersion:
    """Context manager that lands the responses of one fetch as a new version."""

    def __init__(self, landing_dir: Path, source: str, dataset: str, mode: str) -> None:
        started = utc_now()
        self.dataset_dir = landing_dir / source / dataset
        self.manifest = VersionManifest(
            source=source,
            dataset=dataset,
            version=started.strftime("%Y%m%dT%H%M%S%fZ"),
            mode=mode,
            started_at=started.isoformat(),
        )
        self.partial_dir = self.dataset_dir / f"{self.manifest.version}.partial"
        self.discarded = False

    @property
    def final_dir(self) -> Path:
        return self.dataset_dir / self.manifest.version

    def __enter__(self) -> LandingVersion:
        self.partial_dir.mkdir(parents=True, exist_ok=False)
        return self

    def add(self, name: str, response: requests.Response, query: Any = None, source_updated: str | None = None) -> Path:
        """Store one response body verbatim with its provenance."""
        body = response.content
        path = self.partial_dir / name
        path.write_bytes(body)
        self.manifest.responses.append(
            LandedResponse(
                file=name,
                url=response.url,
                method=response.request.method if response.request is not None else "GET",
                query=query,
                fetched_at=utc_now().isoformat(),
                http_status=response.status_code,
                bytes=len(body),
                sha256=hashlib.sha256(body).hexdigest(),
                content_type=response.headers.get("Content-Type"),
                source_updated=source_updated,
            )
        )
        return path

    def discard(self) -> None:
        """Drop this version unwritten (the source had nothing new); the caller logs the attempt."""
        shutil.rmtree(self.partial_dir, ignore_errors=True)
        self.discarded = True

    def _write_manifest(self, directory: Path) -> None:
        (directory / "manifest.json").write_text(
            json.dumps(asdict(self.manifest), ensure_ascii=False, indent=1), encoding="utf-8"
        )

    def _log(self) -> None:
        entry = {k: v for k, v in asdict(self.manifest).items() if k != "responses"}
        entry["responses"] = len(self.manifest.responses)
        entry["bytes"] = sum(r.bytes for r in self.manifest.responses)
        with (self.dataset_dir / "manifest.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.discarded and exc is None:
            return
        self.manifest.completed_at = utc_now().isoformat()
        if exc is not None:
            exc.landing_logged = True  # type: ignore[attr-defined]
        if exc is None:
            self.manifest.status = "ok"
            self._write_manifest(self.partial_dir)
            replace_durably(self.partial_dir, self.final_dir)
        else:
            self.manifest.status = "failed"
            self.manifest.error = str(exc)
            self._write_manifest(self.partial_dir)
            failed = self.dataset_dir / f"{self.manifest.version}.failed"
            if failed.exists():
                shutil.rmtree(failed)
            replace_durably(self.partial_dir, failed)
        self._log()


def read_manifest(version_dir: Path) -> VersionManifest:
    """Load a version's manifest back into its dataclass."""
    raw = json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
    raw["responses"] = [LandedResponse(**r) for r in raw.get("responses", [])]
    return VersionManifest(**raw)


def latest_version(landing_dir: Path, source: str, dataset: str) -> Path | None:
    """The newest complete version of a dataset, or None when nothing has landed yet."""
    dataset_dir = landing_dir / source / dataset
    if not dataset_dir.is_dir():
        return None
    complete = sorted(
        p for p in dataset_dir.iterdir() if p.is_dir() and p.suffix == "" and (p / "manifest.json").exists()
    )
    return complete[-1] if complete else None


def record_attempt(
    landing_dir: Path,
    source: str,
    dataset: str,
    mode: str,
    status: str,
    *,
    version: str | None = None,
    source_updated: str | None = None,
    error: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append an attempt that made no new version (unchanged, failed before landing, disabled) to the log."""
    now = utc_now().isoformat()
    entry = {
        "source": source,
        "dataset": dataset,
        "version": version,
        "mode": mode,
        "status": status,
        "started_at": now,
        "completed_at": now,
        "source_updated": source_updated,
        "error": error,
        "details": details or {},
        "responses": 0,
        "bytes": 0,
    }
    dataset_dir = landing_dir / source / dataset
    dataset_dir.mkdir(parents=True, exist_ok=True)
    with (dataset_dir / "manifest.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def read_attempts(landing_dir: Path, source: str, dataset: str) -> list[dict[str, Any]]:
    """Every attempt logged for a dataset, oldest first (empty when nothing was tried yet)."""
    log = landing_dir / source / dataset / "manifest.jsonl"
    if not log.is_file():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class Pruned:
    """What retention removed from one dataset and what it kept."""

    removed: list[str]
    kept: list[str]


def prune_versions(landing_dir: Path, source: str, dataset: str, keep: int, protected: set[str]) -> Pruned:
    """Keep the newest `keep` complete versions (and as many `.failed` ones); delete older ones.

    Versions named in `protected` (those the serving warehouse was built from) are never deleted,
    nor are `.partial` directories (a fetch may be writing them). `manifest.jsonl` keeps the history.
    """
    if keep < 1:
        raise ValueError(f"landing retention must keep at least one version, got keep={keep}")
    dataset_dir = landing_dir / source / dataset
    if not dataset_dir.is_dir():
        return Pruned([], [])
    complete = sorted(p for p in dataset_dir.iterdir() if p.is_dir() and p.suffix == "")
    failed = sorted(p for p in dataset_dir.iterdir() if p.is_dir() and p.suffix == ".failed")
    doomed = [p for group in (complete, failed) for p in group[:-keep] if p.name.split(".")[0] not in protected]
    for path in doomed:
        shutil.rmtree(path)
    gone = {p.name for p in doomed}
    return Pruned(sorted(gone), [p.name for p in complete if p.name not in gone])


@dataclass(frozen=True)
class Landed:
    """A completed landing version; `unchanged` when the source had nothing new and no download was made."""

    path: Path
    manifest: VersionManifest
    unchanged: bool = False


def fingerprint(selection: object) -> str:
    """A stable hash of what a version asks for: a changed selection means a new download."""
    return hashlib.sha256(json.dumps(selection, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def unchanged_since(settings: Settings, source: str, dataset: str, print_: str, stamp: str | None) -> Landed | None:
    """The last good version when it holds the same selection at the same source version, else None.

    The attempt is logged as `unchanged` in the dataset's manifest.jsonl.
    """
    previous = latest_version(settings.landing_dir, source, dataset)
    if previous is None or stamp is None:
        return None
    manifest = read_manifest(previous)
    if manifest.mode != settings.mode or manifest.source_updated != stamp:
        return None
    if manifest.details.get("fingerprint") != print_:
        return None
    record_attempt(
        settings.landing_dir,
        source,
        dataset,
        settings.mode,
        "unchanged",
        version=manifest.version,
        source_updated=stamp,
    )
    return Landed(previous, manifest, unchanged=True)
