"""One HTTP session for every source: timeouts, retries with backoff, throttling and a size cap.

Retries and `Retry-After` come from urllib3's `Retry`; throttling from pyrate-limiter. The session
is the single place where the network is touched, so sample mode (a transport adapter serving the
bundled snapshot) and live mode share every line above the transport.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import requests
from pyrate_limiter import Duration, Limiter, Rate
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ingestion.errors import SourceError
from ingestion.settings import Settings

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)
CHUNK_BYTES = 1024 * 1024
# A server asking to come back in hours (urllib3 would wait up to 6 h) must not stall the night's run.
RETRY_AFTER_MAX_SECONDS = 300


def _project_version() -> str:
    try:
        return version("tilannekuva")
    except PackageNotFoundError:
        return "dev"


USER_AGENT = f"tilannekuva/{_project_version()} (regional labour-market situational picture; open source)"


@dataclass(frozen=True)
class RateLimit:
    """At most `calls` requests per `window_seconds` to one base URL."""

    calls: int = 40
    window_seconds: int = 60


class SourceSession(requests.Session):
    """A `requests.Session` that throttles per base URL and refuses oversized bodies."""

    def __init__(
        self,
        *,
        timeout: tuple[float, float] = (10.0, 120.0),
        max_response_bytes: int = 200 * 1024 * 1024,
        retries: int = 5,
        backoff_factor: float = 1.0,
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.headers["User-Agent"] = USER_AGENT
        self._limiters: dict[str, Limiter] = {}
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff_factor,
            backoff_max=120,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "POST", "HEAD"}),
            respect_retry_after_header=True,
            retry_after_max=RETRY_AFTER_MAX_SECONDS,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def set_rate_limit(self, base_url: str, limit: RateLimit) -> None:
        """Throttle every request whose URL starts with `base_url`."""
        rate = Rate(limit.calls, Duration.SECOND * limit.window_seconds)
        self._limiters[base_url.rstrip("/")] = Limiter(rate)

    def _throttle(self, url: str) -> None:
        for prefix, limiter in self._limiters.items():
            if url.startswith(prefix):
                limiter.try_acquire(prefix, blocking=True)
                return

    def open_stream(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send one throttled request and leave the body unread, for a caller that streams it to disk.

        The caller enforces `max_response_bytes` while reading and closes the response.
        """
        self._throttle(url)
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, stream=True, **kwargs)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send one request; the body is read here under the size cap."""
        self._throttle(url)
        kwargs.setdefault("timeout", self.timeout)
        kwargs["stream"] = True
        response = super().request(method, url, *args, **kwargs)
        try:
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > self.max_response_bytes:
                raise SourceError(
                    url, "Content-Length", declared, f"response larger than the cap of {self.max_response_bytes} bytes"
                )
            body = bytearray()
            for chunk in response.iter_content(CHUNK_BYTES):
                body.extend(chunk)
                if len(body) > self.max_response_bytes:
                    raise SourceError(
                        url, "body", f"> {self.max_response_bytes} bytes", "response exceeded the size cap"
                    )
        except requests.exceptions.ChunkedEncodingError as exc:
            raise SourceError(url, "body", f"{len(body)} bytes read", f"response was cut off ({exc})") from exc
        finally:
            response.close()
        response._content = bytes(body)
        return response


def make_session(settings: Settings) -> SourceSession:
    """The one session all sources use, configured from settings (and the snapshot in sample mode)."""
    session = SourceSession(
        timeout=(settings.connect_timeout, settings.read_timeout),
        max_response_bytes=settings.max_response_bytes,
        retries=settings.retries,
        backoff_factor=settings.backoff_factor,
    )
    if settings.is_sample:
        from ingestion.snapshot import mount_snapshot

        mount_snapshot(session, settings)
    return session


def get_checked(session: requests.Session, source: str, url: str, **kwargs: Any) -> requests.Response:
    """GET/POST (POST when `json=` is given) and turn transport failures into `SourceError`s."""
    method = "POST" if "json" in kwargs else "GET"
    try:
        response = session.request(method, url, **kwargs)
    except SourceError as exc:
        if exc.source != url:
            raise
        raise SourceError(f"{source} {url}", exc.field, exc.value, exc.problem) from exc
    except requests.exceptions.RetryError as exc:
        raise SourceError(source, "HTTP status", url, f"still failing after retries ({exc})") from exc
    except requests.exceptions.ConnectionError as exc:
        raise SourceError(source, "URL", url, f"cannot connect ({exc.__class__.__name__})") from exc
    except requests.exceptions.Timeout as exc:
        raise SourceError(source, "URL", url, "timed out") from exc
    if response.status_code >= 400:
        snippet = response.text[:200].strip().replace("\n", " ")
        raise SourceError(source, "HTTP status", response.status_code, f"for {method} {url}: {snippet}")
    return response
