"""One HTTP session for every source: timeouts, retries with backoff, one call budget per host, a size cap.

Every request that goes over the network, first tries, retries and redirects alike, passes the host's
call budget (ingestion/budget.py), which every dataset and process of a run shares: the transport
adapter takes the budget before each send. So the retry loop runs here, above the transport (the
adapter itself never retries): urllib3's `Retry` still does the bookkeeping (which statuses and
methods, how many tries, backoff, `Retry-After` parsing and its cap), but each new attempt waits for
the budget again. A 429 holds the whole host, for every process: for its `Retry-After`, or without
one for the window the server announced. The session is the single place where the network is
touched, so sample mode (a transport adapter serving the bundled snapshot, which has no budget to
keep) and live mode share every line above the transport.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.response import HTTPResponse
from urllib3.util.retry import Retry

from ingestion.budget import Call, RateBudget
from ingestion.errors import SourceError
from ingestion.settings import Settings

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRY_METHODS = frozenset({"GET", "POST", "HEAD"})
CHUNK_BYTES = 1024 * 1024
# A server asking to come back in hours (urllib3 would wait up to 6 h) must not stall the night's run.
RETRY_AFTER_MAX_SECONDS = 300
# A 429 from a host that announced no window, without Retry-After: wait at least this long.
MIN_429_WAIT_SECONDS = 1.0
# Until `?config` is read, PxWeb gets the tightest limit seen reported (10 calls / 60 s).
PXWEB_DEFAULT_CALLS = 10
PXWEB_DEFAULT_WINDOW = 60
BUDGET_FILE = "rate_budget.sqlite3"


def _project_version() -> str:
    try:
        return version("tilannekuva")
    except PackageNotFoundError:
        return "dev"


USER_AGENT = f"tilannekuva/{_project_version()} (regional labour-market situational picture; open source)"


@dataclass(frozen=True)
class RateLimit:
    """At most `calls` requests per `window_seconds` to one base URL.

    `announced`: the server published this limit (PxWeb `?config`), so a 429 without `Retry-After`
    waits out its window; a limit of our own choosing falls back to the backoff.
    """

    calls: int = 40
    window_seconds: float = 60
    announced: bool = False


def _status_only(response: requests.Response) -> HTTPResponse:
    """What `Retry.increment` reads of a response (status, headers), whatever transport produced it."""
    return HTTPResponse(body=b"", headers=dict(response.headers), status=response.status_code, preload_content=False)


def _under(url: str, prefix: str) -> bool:
    return url == prefix or (url.startswith(prefix) and url[len(prefix)] in "/?#")


class BudgetedAdapter(HTTPAdapter):
    """requests' transport, without retries of its own, taking the session's call budget before every send."""

    def __init__(self, session: SourceSession) -> None:
        super().__init__(max_retries=0)
        self.session = session

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        with self.session._throttle(request.url or ""):
            return super().send(request, *args, **kwargs)


class SourceSession(requests.Session):
    """A `requests.Session` whose every attempt passes the host's call budget, and which refuses oversized bodies."""

    def __init__(
        self,
        *,
        timeout: tuple[float, float] = (10.0, 120.0),
        max_response_bytes: int = 200 * 1024 * 1024,
        retries: int = 5,
        backoff_factor: float = 1.0,
        budget: RateBudget | None = None,
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.headers["User-Agent"] = USER_AGENT
        self.budget = budget if budget is not None else RateBudget()
        self._prefixes: list[str] = []
        self.retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=retries,
            backoff_factor=backoff_factor,
            backoff_max=120,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=RETRY_METHODS,
            respect_retry_after_header=True,
            retry_after_max=RETRY_AFTER_MAX_SECONDS,
            raise_on_status=False,
        )
        # The transport never retries (every retry goes through `_send`) and takes the budget for every
        # request it sends, redirects included.
        adapter = BudgetedAdapter(self)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    # --- the budget --------------------------------------------------------------------------

    def register(self, base_url: str) -> None:
        """Count every request under `base_url` in that base URL's budget (one per source host)."""
        prefix = base_url.rstrip("/")
        if prefix not in self._prefixes:
            self._prefixes.append(prefix)
            self._prefixes.sort(key=len, reverse=True)

    def budget_key(self, url: str) -> str:
        """The budget a URL is counted in: its registered base URL, else its scheme and host."""
        for prefix in self._prefixes:
            if _under(url, prefix):
                return prefix
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def set_rate_limit(self, base_url: str, limit: RateLimit) -> None:
        """Limit every request under `base_url`, in this and every process sharing the budget."""
        self.register(base_url)
        self.budget.set_limit(base_url.rstrip("/"), limit.calls, limit.window_seconds, announced=limit.announced)

    def _throttle(self, url: str) -> AbstractContextManager[Call]:
        """One call of the URL's host's budget, held until the answer's headers arrive.

        `BudgetedAdapter` takes it once per request it sends. A transport that does not go over the
        network (the sample snapshot's adapter, a test's recorded responses) has no budget to keep.
        """
        return self.budget.call(self.budget_key(url))

    # --- sending with retries ----------------------------------------------------------------

    def _hold_if_asked(self, url: str, response: requests.Response, retry: Retry) -> bool:
        """Hold the whole host, for every process sharing the budget, when a response asks to slow down.

        `Retry-After` (capped) is honoured on any retryable status; a 429 without it waits out the window
        the server announced (`?config`), or the backoff for a limit of our own. True when a hold was set.
        """
        key = self.budget_key(url)
        wait = None
        if "Retry-After" in response.headers:
            try:
                wait = retry.parse_retry_after(response.headers["Retry-After"])
            except InvalidHeader:
                wait = None
        if wait is None and response.status_code == 429:
            known = self.budget.limit(key)
            if known.announced and known.window_seconds:
                wait = known.window_seconds
            else:
                wait = max(retry.get_backoff_time(), MIN_429_WAIT_SECONDS)
        if wait is None:
            return False
        log.warning("%s answered %s: holding %s for %.1f s", url, response.status_code, key, wait)
        self.budget.hold(key, wait)
        return True

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send with retries (each attempt waits for the budget in the adapter). The body is left unread."""
        kwargs.setdefault("timeout", self.timeout)
        kwargs["stream"] = True
        retry = self.retry
        while True:
            try:
                response = super().request(method, url, **kwargs)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if method.upper() not in RETRY_METHODS:
                    raise
                try:
                    retry = retry.increment(method, url, error=exc)
                except MaxRetryError:
                    raise exc from None
                self._backoff(retry)
                continue
            held = response.status_code in RETRY_STATUSES and self._hold_if_asked(url, response, retry)
            if not retry.is_retry(method, response.status_code, "Retry-After" in response.headers):
                return response
            try:
                retry = retry.increment(method, url, response=_status_only(response))
            except MaxRetryError:
                return response  # out of retries: the caller sees the status
            response.close()
            if not held:
                self._backoff(retry)

    def _backoff(self, retry: Retry) -> None:
        """urllib3's exponential backoff before the next attempt (this request only; the host is not held)."""
        seconds = retry.get_backoff_time()
        if seconds > 0:
            self.budget.sleep(seconds)

    def open_stream(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send one request (retried under the budget) and leave the body unread, for a caller streaming it to disk.

        The caller enforces `max_response_bytes` while reading and closes the response.
        """
        return self._send(method, url, **kwargs)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send one request (retried under the budget); the body is read here under the size cap."""
        if args:
            kwargs.update(zip(("params", "data", "headers"), args, strict=False))
        response = self._send(method, url, **kwargs)
        body = bytearray()
        try:
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > self.max_response_bytes:
                raise SourceError(
                    url, "Content-Length", declared, f"response larger than the cap of {self.max_response_bytes} bytes"
                )
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


def budget_path(settings: Settings) -> Path:
    """Where the call budgets live: one file per data directory, shared by every process of its runs."""
    return settings.data_dir / BUDGET_FILE


def _budget(settings: Settings) -> RateBudget:
    """The budget shared through the data directory; in memory (this process only) in sample mode or when the file
    cannot be written."""
    if settings.is_sample:
        return RateBudget()
    path = budget_path(settings)
    budget = RateBudget(path)
    try:
        budget.limit("")
    except (OSError, sqlite3.Error) as exc:
        log.warning("call budget file %s unusable (%s): this process keeps its own budget", path, exc)
        budget = RateBudget()
    return budget


def make_session(settings: Settings) -> SourceSession:
    """The one session all sources use, configured from settings (and the snapshot in sample mode)."""
    session = SourceSession(
        timeout=(settings.connect_timeout, settings.read_timeout),
        max_response_bytes=settings.max_response_bytes,
        retries=settings.retries,
        backoff_factor=settings.backoff_factor,
        budget=_budget(settings),
    )
    for base_url in (
        settings.pxweb_base_url,
        settings.classification_base_url,
        settings.kela_base_url,
        settings.prh_base_url,
    ):
        session.register(base_url)
    session.budget.set_default(settings.pxweb_base_url, PXWEB_DEFAULT_CALLS, PXWEB_DEFAULT_WINDOW, announced=True)
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
