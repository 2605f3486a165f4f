"""A real HTTP source server on loopback that plays the recorded sources and injects faults per request.

The answers come from the bundled sample snapshot through `ingestion.snapshot.SnapshotAdapter` (the same
answering logic sample mode uses: PxWeb cubes sliced per query, classification and CKAN documents), so
every response is in the sources' real formats. A fault is armed on a route (`px_data`, `class_maps`,
`ckan_csv`, …) for the next N matching requests (or all of them) and changes what goes over the socket:
status codes, resets, stalls, trickles, cut or oversized bodies, broken or drifted documents.

The server is bounded: it refuses requests after `max_requests` and shuts itself down after
`max_seconds`, and every stall it injects is capped, so a bug in the pipeline cannot hang CI.

Like StatFin, it can enforce the limits it announces in `?config` (`announce()`): per client address,
at most `maxCalls` calls to any PxWeb path (config, listings, metadata, data) in any `timeWindow`
seconds, else 429 (with or without `Retry-After`), and no query over `maxCells` cells (403). Every
PxWeb call is logged with its arrival time, so a test can count the calls in any window.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import socket
import struct
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from ingestion.snapshot import CKAN_RESOURCE_PREFIX, SNAPSHOT_DIR, SnapshotAdapter, load_cube

PXWEB_PATH = "/PxWeb/api/v1"
CLASSIFICATION_PATH = "/api/classifications/v2"
CKAN_PATH = "/data/api/3/action"
RESOURCE_PATH = "/data/dataset"
PRH_PATH = "/opendata-ytj-api/v3"
MAX_STALL_SECONDS = 5.0

# Transport faults: the server misbehaves whatever the body. Content faults change the body.
TRANSPORT_FAULTS = (
    "http_429_retry_after",
    "http_429",
    "http_500",
    "http_502",
    "http_503",
    "http_504",
    "http_503_persistent",
    "connection_reset",
    "read_timeout",
    "slow_trickle",
    "truncated_body",
    "oversized_body",
    "gzip_bomb",
    "wrong_content_type",
)
CONTENT_FAULTS = (
    "invalid_body",
    "empty_valid_body",
    "deep_json",
    "drift_renamed",
    "drift_missing",
    "drift_extra",
    "unknown_codes",
    "duplicated_keys",
)
ZIP_FAULTS = ("zip_member_escape", "invalid_zip")
ALL_FAULTS = TRANSPORT_FAULTS + CONTENT_FAULTS + ZIP_FAULTS
# Faults the client is expected to ride out by retrying when they hit only the first requests.
TRANSIENT = {"http_429_retry_after", "http_429", "http_500", "http_502", "http_503", "http_504", "connection_reset"}
TRANSIENT |= {"read_timeout"}


class FaultNotApplicable(Exception):
    """The fault has no meaning for this route's format (e.g. a ZIP member on a JSON API)."""


def route_of(method: str, path: str, query: str) -> str:
    """Name the kind of request, so faults can target e.g. PxWeb data queries only."""
    if path.startswith(PXWEB_PATH):
        if "config" in query:
            return "px_config"
        if method == "POST":
            return "px_data"
        return "px_meta" if path.endswith(".px") else "px_list"
    if path.startswith(CLASSIFICATION_PATH):
        if path.endswith("/maps"):
            return "class_maps"
        if path.endswith("/classificationItems"):
            return "class_items"
        if path.rstrip("/").endswith("/classifications"):
            return "class_catalogue"
        return "class_list"
    if path.startswith(PRH_PATH):
        return "prh_zip" if path.rstrip("/").endswith("/all_companies") else "prh_api"
    if path.startswith(CKAN_PATH):
        return "ckan_package"
    if path.startswith(RESOURCE_PATH):
        return "ckan_datapackage" if path.endswith(".json") else "ckan_csv"
    return "unknown"


@dataclass
class Armed:
    """One fault on one route for the next `times` matching requests (None: every request)."""

    fault: str
    route: str
    times: int | None = None
    skip: int = 0
    hits: int = 0


@dataclass(frozen=True)
class Announced:
    """The limits `?config` announces, and whether the server enforces them like StatFin."""

    max_calls: int = 40
    time_window: float = 60
    max_cells: int = 120_000
    enforce: bool = True
    # Seconds sent in Retry-After with a 429 (None: a 429 without Retry-After, as StatFin may answer).
    retry_after: int | None = None


@dataclass
class PxCall:
    """One PxWeb request as the server saw it."""

    at: float
    client: str
    route: str
    status: int
    cells: int = 0


@dataclass
class Answer:
    """What the snapshot would answer, before any fault."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


class FaultServer:
    """The loopback server; use as a context manager or call `start()`/`stop()`."""

    def __init__(
        self,
        max_requests: int = 20_000,
        max_seconds: float = 1800.0,
        read_timeout: float = 2.0,
        root: Path = SNAPSHOT_DIR,
    ) -> None:
        self.root_dir = root  # the snapshot served: the bundled sample, or a test's own (real tables swapped in)
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self.read_timeout = read_timeout
        self.armed: list[Armed] = []
        self.log: list[tuple[str, str, str, str | None]] = []
        self.requests = 0
        self.announced: Announced | None = None
        self.px_calls: list[PxCall] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._watchdog: threading.Timer | None = None
        self.adapter: SnapshotAdapter | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FaultServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.adapter = SnapshotAdapter(
            self.root_dir, self.pxweb_base_url, self.classification_base_url, self.kela_base_url, self.prh_base_url
        )
        for cube in sorted(self.root_dir.glob("pxweb/**/*.jsonstat2.json.gz")):
            load_cube(cube)  # warm once, so slicing never looks like a read timeout
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fault-server", daemon=True)
        self._thread.start()
        self._watchdog = threading.Timer(self.max_seconds, self.stop)
        self._watchdog.daemon = True
        self._watchdog.start()
        return self

    def stop(self) -> None:
        if self._watchdog:
            self._watchdog.cancel()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pxweb_base_url(self) -> str:
        return self.root + PXWEB_PATH

    @property
    def classification_base_url(self) -> str:
        return self.root + CLASSIFICATION_PATH

    @property
    def kela_base_url(self) -> str:
        return self.root + CKAN_PATH

    @property
    def prh_base_url(self) -> str:
        return self.root + PRH_PATH

    def env(self) -> dict[str, str]:
        """The settings that point a live-mode refresh at this server."""
        return {
            "TILANNEKUVA_MODE": "live",
            "TILANNEKUVA_PXWEB_BASE_URL": self.pxweb_base_url,
            "TILANNEKUVA_CLASSIFICATION_BASE_URL": self.classification_base_url,
            "TILANNEKUVA_KELA_BASE_URL": self.kela_base_url,
            "TILANNEKUVA_PRH_BASE_URL": self.prh_base_url,
        }

    # --- StatFin-like limits ------------------------------------------------------------------

    def announce(
        self,
        max_calls: int = 40,
        time_window: float = 60,
        max_cells: int = 120_000,
        *,
        enforce: bool = True,
        retry_after: int | None = None,
    ) -> None:
        """Announce these limits in `?config` from now on (and enforce them unless `enforce=False`)."""
        with self._lock:
            self.announced = Announced(max_calls, time_window, max_cells, enforce, retry_after)

    def reset_calls(self) -> None:
        """Forget the PxWeb calls seen (the enforcement window starts empty)."""
        with self._lock:
            self.px_calls.clear()

    def max_calls_in_window(self, window: float | None = None) -> int:
        """The most PxWeb calls from one client that arrived within any `window` seconds (default: the announced)."""
        if window is None:
            assert self.announced is not None, "no window announced"
            window = self.announced.time_window
        with self._lock:
            calls = list(self.px_calls)
        most = 0
        for client in {c.client for c in calls}:
            times = sorted(c.at for c in calls if c.client == client)
            first = 0
            for last, at in enumerate(times):
                while at - times[first] >= window:
                    first += 1
                most = max(most, last - first + 1)
        return most

    def px_statuses(self, status: int) -> int:
        """How many PxWeb calls were answered with `status` (e.g. 429)."""
        with self._lock:
            return sum(1 for c in self.px_calls if c.status == status)

    def _limit_px(self, client: str, route: str, body: bytes, at: float) -> tuple[int, bytes, dict[str, str]] | None:
        """Record one PxWeb call; the refusal to send when it breaks the announced limits, else None."""
        cells = _cells_asked(body) if route == "px_data" else 0
        with self._lock:
            limits = self.announced
            call = PxCall(at, client, route, 200, cells)
            refusal = None
            if limits is not None and limits.enforce:
                recent = [c for c in self.px_calls if c.client == client and at - c.at < limits.time_window]
                if len(recent) >= limits.max_calls:
                    headers = {} if limits.retry_after is None else {"Retry-After": str(limits.retry_after)}
                    text = f"Too many requests: over {limits.max_calls} calls in {limits.time_window:g} s"
                    refusal = (429, json.dumps({"error": text}).encode(), headers)
                elif cells > limits.max_cells:
                    text = f"Too many cells selected ({cells} > {limits.max_cells})"
                    refusal = (403, json.dumps({"error": text}).encode(), {})
            if refusal is not None:
                call.status = refusal[0]
            self.px_calls.append(call)
        return refusal

    def _config_body(self, body: bytes) -> bytes:
        """The snapshot's `?config` with the announced limits written in."""
        limits = self.announced
        if limits is None:
            return body
        doc = json.loads(body)
        doc.update(
            maxCalls=limits.max_calls,
            timeWindow=limits.time_window,
            maxCells=limits.max_cells,
            maxValues=limits.max_cells,
        )
        return json.dumps(doc).encode()

    # --- faults ------------------------------------------------------------------------------

    def arm(self, fault: str, route: str, times: int | None = None, skip: int = 0) -> None:
        """Inject `fault` into the next `times` requests of `route` (after letting `skip` through)."""
        if fault not in ALL_FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        with self._lock:
            self.armed.append(Armed(fault, route, times, skip))

    def disarm(self) -> None:
        with self._lock:
            self.armed.clear()

    def hits(self, fault: str | None = None) -> int:
        """How many responses carried a fault (of one kind, or any)."""
        return sum(1 for *_, applied in self.log if applied and (fault is None or applied == fault))

    def _take(self, route: str) -> str | None:
        with self._lock:
            for armed in self.armed:
                if armed.route != route:
                    continue
                if armed.skip > 0:
                    armed.skip -= 1
                    continue
                if armed.times is not None and armed.hits >= armed.times:
                    continue
                armed.hits += 1
                return armed.fault
        return None

    # --- answers -----------------------------------------------------------------------------

    def answer(self, method: str, path_and_query: str, body: bytes, request_headers: dict[str, str]) -> Answer:
        """The snapshot's answer to one request, in the source's real format."""
        assert self.adapter is not None
        parts = urlsplit(path_and_query)
        url = self.root + path_and_query
        if parts.path.startswith(RESOURCE_PATH):
            url = CKAN_RESOURCE_PREFIX + path_and_query[len(RESOURCE_PATH) :]
        wanted = ("content-type", "if-none-match", "if-modified-since", "range")
        headers = {k: v for k, v in request_headers.items() if k.lower() in wanted}
        prepared = requests.Request(method, url, data=body or None, headers=headers).prepare()
        response = self.adapter.send(prepared)
        payload = response.raw.read()
        if parts.path.startswith(CKAN_PATH):
            payload = payload.replace(CKAN_RESOURCE_PREFIX.encode(), (self.root + RESOURCE_PATH).encode())
        kind = response.headers.get("Content-Type") or "application/json; charset=utf-8"
        if parts.path.endswith(".csv"):
            kind = "text/csv; charset=utf-8"
        passed = {k: v for k, v in response.headers.items() if k.lower() in ("last-modified", "etag")}
        if route_of(method, parts.path, parts.query) == "px_config" and response.status_code == 200:
            payload = self._config_body(payload)
        return Answer(response.status_code, payload, kind, passed)


def _cells_asked(body: bytes) -> int:
    """Cells a PxWeb query selects (item filters; 0 when it cannot be told from the body alone)."""
    try:
        query = json.loads(body).get("query", [])
        sizes = [len(q["selection"]["values"]) for q in query if q["selection"].get("filter") == "item"]
    except (ValueError, AttributeError, KeyError, TypeError):
        return 0
    if len(sizes) != len(query):
        return 0
    cells = 1
    for size in sizes:
        cells *= size
    return cells


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Resets and cut connections are what this server is for; no tracebacks on stderr."""


class _Handler(BaseHTTPRequestHandler):
    owner: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the owner keeps its own log."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def _serve(self, method: str) -> None:
        owner = self.owner
        arrived = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        route = route_of(method, parts.path, parts.query)
        with owner._lock:
            owner.requests += 1
            over = owner.requests > owner.max_requests
        if over:
            self._send(503, b'{"error":"fault server request budget exhausted"}', "application/json")
            return
        if route.startswith("px_"):
            refusal = owner._limit_px(self.client_address[0], route, body, arrived)
            if refusal is not None:
                owner.log.append((route, method, self.path, None))
                self._send(refusal[0], refusal[1], "application/json", refusal[2])
                return
        fault = owner._take(route)
        owner.log.append((route, method, self.path, fault))
        answer = owner.answer(method, self.path, body, dict(self.headers.items()))
        if fault is None or answer.status != 200:
            self._send(answer.status, answer.body, answer.content_type, answer.headers, head=method == "HEAD")
            return
        try:
            apply_fault(self, fault, route, answer)
        except FaultNotApplicable:
            self._send(answer.status, answer.body, answer.content_type, answer.headers)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        head: bool = False,
        declared_length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if declared_length is None else declared_length))
        self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)
        self.close_connection = True

    def reset(self) -> None:
        """Close the TCP connection with a RST and no response at all."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True


# --- the faults -------------------------------------------------------------------------------


def apply_fault(handler: _Handler, fault: str, route: str, answer: Answer) -> None:
    """Write the faulty response for `fault` to the handler's socket."""
    error = b'{"error":"injected fault"}'
    if fault.startswith("http_"):
        status = int(fault.split("_")[1])
        headers = {"Retry-After": "1"} if fault == "http_429_retry_after" else {}
        handler._send(status, error, "application/json", headers)
    elif fault == "connection_reset":
        handler.reset()
    elif fault == "read_timeout":
        time.sleep(min(handler.owner.read_timeout + 0.5, MAX_STALL_SECONDS))
        handler.reset()
    elif fault == "slow_trickle":
        _trickle(handler, answer)
    elif fault == "truncated_body":
        handler._send(200, answer.body[: len(answer.body) // 2], answer.content_type, declared_length=len(answer.body))
        handler.connection.shutdown(socket.SHUT_RDWR)
    elif fault == "oversized_body":
        _endless_chunks(handler, answer)
    elif fault == "gzip_bomb":
        handler._send(200, _gzip_bomb(), answer.content_type, {"Content-Encoding": "gzip"})
    elif fault == "wrong_content_type":
        page = b"<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>"
        handler._send(200, page, "text/html; charset=utf-8")
    else:
        body = transform_body(fault, route, answer.body)
        handler._send(200, body, answer.content_type)


def _trickle(handler: _Handler, answer: Answer, pieces: int = 20, seconds: float = 2.0) -> None:
    """The whole body, correctly framed, in pieces with pauses shorter than the read timeout."""
    body = answer.body
    handler.send_response(200)
    handler.send_header("Content-Type", answer.content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    step = max(1, len(body) // pieces + 1)
    pause = min(seconds / pieces, handler.owner.read_timeout / 4)
    for start in range(0, len(body), step):
        handler.wfile.write(body[start : start + step])
        handler.wfile.flush()
        time.sleep(pause)
    handler.close_connection = True


OVERSIZE_LIMIT_BYTES = 256 * 1024 * 1024


def _endless_chunks(handler: _Handler, answer: Answer) -> None:
    """A chunked body with no Content-Length that goes on (up to a hard bound) until the client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", answer.content_type)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Connection", "close")
    handler.end_headers()
    block = (answer.body[:1] or b"[") + b" " * (1024 * 1024 - 1)
    sent = 0
    while sent < OVERSIZE_LIMIT_BYTES:
        handler.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
        sent += len(block)
        block = b" " * len(block)
    handler.wfile.write(b"0\r\n\r\n")
    handler.close_connection = True


def _gzip_bomb(expanded: int = 64 * 1024 * 1024) -> bytes:
    """A small gzip body that expands to `expanded` bytes (cached: it takes a moment to compress)."""
    global _BOMB
    if _BOMB is None:
        out = io.BytesIO()
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as fh:
            zeros = b"0" * (1024 * 1024)
            for _ in range(expanded // len(zeros)):
                fh.write(zeros)
        _BOMB = out.getvalue()
    return _BOMB


_BOMB: bytes | None = None


def transform_body(fault: str, route: str, body: bytes) -> bytes:
    """The body with a content fault applied, in the route's own format."""
    if fault in ZIP_FAULTS:
        return _zip_fault(fault, route, body)
    if route == "prh_zip":
        return _prh_zip_fault(fault, body)
    if route == "ckan_csv":
        return _csv_fault(fault, body)
    if fault == "invalid_body":
        return body[: len(body) // 3] + b'}]{"broken": [1, 2,'
    if fault == "deep_json":
        return b"[" * 100_000 + b"]" * 100_000
    doc = json.loads(body)
    if fault == "empty_valid_body":
        return b"[]" if isinstance(doc, list) else b"{}"
    handlers: dict[str, Callable[[str, Any], Any]] = {
        "px_data": _px_data_fault,
        "px_meta": _px_meta_fault,
        "class_maps": _class_maps_fault,
        "class_items": _class_items_fault,
        "class_list": _class_list_fault,
        "ckan_package": _ckan_package_fault,
    }
    if route not in handlers:
        raise FaultNotApplicable(f"{fault} on {route}")
    changed = handlers[route](fault, doc)
    return changed if isinstance(changed, bytes) else json.dumps(changed, ensure_ascii=False).encode("utf-8")


def _area_dimension(doc: dict[str, Any]) -> str:
    for dim in doc["id"]:
        codes = doc["dimension"][dim]["category"]["index"]
        if any(str(c).startswith(("KU", "SSS")) for c in codes):
            return dim
    return doc["id"][0]


def _px_data_fault(fault: str, doc: dict[str, Any]) -> Any:
    """json-stat2: rename, drop or add a dimension; an unknown area code; two cells with one key."""
    area = _area_dimension(doc)
    if fault == "drift_renamed":
        renamed = f"{area}_2027"
        doc["id"] = [renamed if d == area else d for d in doc["id"]]
        doc["dimension"][renamed] = doc["dimension"].pop(area)
    elif fault == "drift_missing":
        last = doc["id"][-1]
        keep = 1
        for size in doc["size"][:-1]:
            keep *= size
        doc["value"] = doc["value"][:keep]
        doc.pop("status", None)
        doc["id"], doc["size"] = doc["id"][:-1], doc["size"][:-1]
        doc["dimension"].pop(last)
    elif fault == "drift_extra":
        doc["id"].append("huoltosuhde")
        doc["size"].append(1)
        doc["dimension"]["huoltosuhde"] = {"label": "Huoltosuhde", "category": {"index": {"SSS": 0}}}
    elif fault == "unknown_codes":
        index = doc["dimension"][area]["category"]["index"]
        last = max(index, key=index.get)
        index["KU999"] = index.pop(last)
        labels = doc["dimension"][area]["category"].get("label", {})
        labels["KU999"] = labels.pop(last, "KU999")
    elif fault == "duplicated_keys":
        index = doc["dimension"][area]["category"]["index"]
        if len(index) < 2:
            raise FaultNotApplicable("one area only")
        first, second = sorted(index, key=index.get)[:2]
        text = json.dumps(doc, ensure_ascii=False)
        return text.replace(f'"{second}":', f'"{first}":').encode("utf-8")
    return doc


def _px_meta_fault(fault: str, doc: dict[str, Any]) -> Any:
    variables = doc["variables"]
    content = next(v for v in variables if v["code"].lower() == "contentscode")
    if fault == "drift_renamed":
        content["values"] = [f"{v}_uusi" for v in content["values"]]
    elif fault == "drift_missing":
        doc["variables"] = [v for v in variables if not v.get("time")]
    elif fault == "drift_extra":
        variables.append({"code": "huoltosuhde", "text": "Huoltosuhde", "values": ["A", "B"], "valueTexts": ["A", "B"]})
    elif fault == "unknown_codes":
        content["values"].append("UUSIMITTARI")
    elif fault == "duplicated_keys":
        variables.append(dict(variables[0]))
    return doc


def _class_maps_fault(fault: str, doc: list[dict[str, Any]]) -> Any:
    """Correspondence maps: renamed/missing/extra fields, an unknown municipality, a municipality twice."""
    if fault == "drift_renamed":
        for entry in doc:
            entry["target_item"] = entry.pop("targetItem")
    elif fault == "drift_missing":
        for entry in doc:
            entry["sourceItem"].pop("code", None)
    elif fault == "drift_extra":
        for entry in doc:
            entry["validFrom"] = "2027-01-01"
    elif fault == "unknown_codes":
        doc[-1]["sourceItem"]["code"] = "99X"
    elif fault == "duplicated_keys":
        doc.append(json.loads(json.dumps(doc[0])))
    return doc


def _class_items_fault(fault: str, doc: list[dict[str, Any]]) -> Any:
    if fault == "drift_renamed":
        for item in doc:
            item["classificationItemCode"] = item.pop("code")
    elif fault == "drift_missing":
        for item in doc:
            item.pop("level", None)
    elif fault == "drift_extra":
        for item in doc:
            item["note"] = "uusi kenttä"
    elif fault == "unknown_codes":
        doc[-1]["parentCode"] = "99999"
    elif fault == "duplicated_keys":
        doc.append(json.loads(json.dumps(doc[-1])))
    return doc


def _class_list_fault(fault: str, doc: list[Any]) -> Any:
    """A list endpoint's URI strings (or objects): renamed path, a missing table, an extra query parameter."""

    def each(entry: Any, change: Callable[[str], str]) -> Any:
        if isinstance(entry, str):
            return change(entry)
        return {k: change(v) if k in ("localId", "url", "uri") and isinstance(v, str) else v for k, v in entry.items()}

    if fault == "drift_renamed":
        return [each(e, lambda u: u.replace("/correspondenceTables/", "/correspondences/")) for e in doc]
    if fault == "drift_missing":
        return [e for e in doc if "tyollisyysalue" not in json.dumps(e)]
    if fault == "drift_extra":
        return [each(e, lambda u: f"{u}&lang=fi" if "?" in u else u) for e in doc]
    raise FaultNotApplicable(fault)


def _ckan_package_fault(fault: str, doc: dict[str, Any]) -> Any:
    result = doc["result"]
    if fault == "drift_renamed":
        result["distributions"] = result.pop("resources")
    elif fault == "drift_missing":
        for resource in result["resources"]:
            resource.pop("url")
    elif fault == "drift_extra":
        result["resources"][0]["extra_field"] = "x"
    else:
        raise FaultNotApplicable(fault)
    return doc


def _csv_fault(fault: str, body: bytes) -> bytes:
    """Kela's CSV (comma-delimited, as its package.json declares): broken bytes, header only, renamed/missing/extra
    columns against package.json, unknown area, a duplicated row."""
    text = body.decode("utf-8-sig")
    lines = text.splitlines()
    if fault == "invalid_body":
        return b"\xff\xfe\x00\x00" + body[: len(body) // 2] + b'"unterminated'
    if fault == "empty_valid_body":
        return (lines[0] + "\n").encode("utf-8")
    if fault == "deep_json":
        raise FaultNotApplicable("CSV")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    if fault == "drift_renamed":
        header[header.index("saaja_lkm")] = "saajia"
    elif fault == "drift_missing":
        drop = header.index("maksettu_eur")
        rows = [r[:drop] + r[drop + 1 :] for r in rows]
    elif fault == "drift_extra":
        rows = [[*r, "asuinalue" if i == 0 else "Yhteensä"] for i, r in enumerate(rows)]
    elif fault == "unknown_codes":
        area = header.index("tyollisyysalue_nro")
        victim = rows[1][area]
        for row in rows[1:]:
            if row[area] == victim:
                row[area] = "99"
    elif fault == "duplicated_keys":
        rows.insert(2, list(rows[1]))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _prh_zip_fault(fault: str, body: bytes) -> bytes:
    """PRH's dump: the content fault applied to the JSON array inside the ZIP, re-packed as a sound ZIP."""
    with zipfile.ZipFile(io.BytesIO(body)) as src:
        [info] = src.infolist()
        text = src.read(info)
    if fault == "invalid_body":
        text = text[: len(text) // 3] + b'}]{"broken": [1, 2,'
    elif fault == "deep_json":
        text = b"[" * 100_000 + b"]" * 100_000
    else:
        companies = json.loads(text)
        if fault == "empty_valid_body":
            companies = []
        elif fault == "drift_renamed":
            for company in companies:
                company["businessID"] = company.pop("businessId")
        elif fault == "drift_missing":
            for company in companies:
                (company.get("mainBusinessLine") or {}).pop("typeCodeSet", None)
        elif fault == "drift_extra":
            for company in companies:
                company["tradeRegisterStatus"] = "1"
        elif fault == "unknown_codes":
            companies[-1]["companySituations"] = [{"type": "UUSI", "registrationDate": "2026-11-01", "source": "1"}]
        elif fault == "duplicated_keys":
            companies.insert(1, json.loads(json.dumps(companies[0])))
        text = json.dumps(companies, ensure_ascii=False).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        dst.writestr(info.filename, text)
    return out.getvalue()


def _zip_fault(fault: str, route: str, body: bytes) -> bytes:
    """A ZIP whose member escapes the extraction folder, or bytes that only start like a ZIP."""
    if route not in ("prh_zip",):
        raise FaultNotApplicable(f"{fault} needs a ZIP source")
    if fault == "invalid_zip":
        return b"PK\x03\x04" + body[: len(body) // 2]
    out = io.BytesIO()
    with zipfile.ZipFile(body and io.BytesIO(body)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr("../../" + info.filename, src.read(info))
    return out.getvalue()
