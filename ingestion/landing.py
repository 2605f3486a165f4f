"""Raw responses kept exactly as received, one immutable version directory per fetch.

Layout: `landing/<source>/<dataset>/<version>/` with the response bodies and `manifest.json`;
`landing/<source>/<dataset>/manifest.jsonl` lists every attempt. A version is written under a
`.partial` name and renamed only when complete, so an interrupted or failed fetch never looks like
data and never touches earlier versions (a failed one is kept as `<version>.failed` to inspect).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import requests


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
        self.manifest.completed_at = utc_now().isoformat()
        if exc is None:
            self.manifest.status = "ok"
            self._write_manifest(self.partial_dir)
            os.replace(self.partial_dir, self.final_dir)
        else:
            self.manifest.status = "failed"
            self.manifest.error = str(exc)
            self._write_manifest(self.partial_dir)
            failed = self.dataset_dir / f"{self.manifest.version}.failed"
            if failed.exists():
                shutil.rmtree(failed)
            os.replace(self.partial_dir, failed)
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
