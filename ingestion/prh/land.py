"""Landing the all_companies dump: streamed to disk under the size cap with a conditional request (an
unchanged ETag / Last-Modified answers 304 and nothing is downloaded), with the company-form list beside it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path

import requests

from ingestion.catalogue import PRH_COMPANIES, ZipDumpDataset
from ingestion.errors import SourceError
from ingestion.http import CHUNK_BYTES, SourceSession, get_checked
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
from ingestion.prh.archive import check_archive
from ingestion.prh.forms import parse_company_forms
from ingestion.prh.schemas import FORMS_ENDPOINT, FORMS_FILE, FORMS_PARAMS, RATE_LIMIT, SOURCE, ZIP_FILE
from ingestion.settings import Settings


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
