"""The shared HTTP session against a real server on loopback: retries, Retry-After, caps, throttle."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingestion.errors import SourceError
from ingestion.http import USER_AGENT, RateLimit, SourceSession, get_checked


class ScriptedServer:
    """Answers each request with the next (status, headers, body) of a script; records what it saw."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str], bytes]] = []
        self.seen: list[tuple[float, str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                outer.seen.append((time.monotonic(), self.command, self.headers.get("User-Agent", "")))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status, headers, body = outer.script.pop(0) if outer.script else (200, {}, b"{}")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers and not headers.get("X-Unsized"):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                """Keep test output clean."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as scripted:
        yield scripted


def test_429_with_retry_after_is_honoured(server: ScriptedServer) -> None:
    server.script = [(429, {"Retry-After": "1"}, b"slow down"), (200, {}, b'{"ok": true}')]
    session = SourceSession(retries=3, backoff_factor=0.01)
    response = get_checked(session, "test", f"{server.url}/data")
    assert response.json() == {"ok": True}
    assert len(server.seen) == 2
    assert server.seen[1][0] - server.seen[0][0] >= 0.9, "waited as Retry-After asked"


def test_post_queries_are_retried_on_5xx(server: ScriptedServer) -> None:
    server.script = [(502, {}, b""), (503, {}, b""), (200, {}, b"[]")]
    session = SourceSession(retries=3, backoff_factor=0.01)
    assert get_checked(session, "test", f"{server.url}/q", json={"query": []}).content == b"[]"
    assert [method for _, method, _ in server.seen] == ["POST"] * 3


def test_persistent_failure_names_source_and_status(server: ScriptedServer) -> None:
    server.script = [(500, {}, b"boom")] * 3
    session = SourceSession(retries=2, backoff_factor=0.01)
    with pytest.raises(SourceError, match=r"^PxWeb: HTTP status = 500: for GET .*/t: boom"):
        get_checked(session, "PxWeb", f"{server.url}/t")
    assert len(server.seen) == 3


def test_client_error_is_not_retried(server: ScriptedServer) -> None:
    server.script = [(400, {}, b'{"error": "bad query"}')]
    with pytest.raises(SourceError, match="HTTP status = 400"):
        get_checked(SourceSession(retries=3, backoff_factor=0.01), "PxWeb", f"{server.url}/t")
    assert len(server.seen) == 1


def test_user_agent_names_the_project(server: ScriptedServer) -> None:
    get_checked(SourceSession(), "test", server.url)
    assert server.seen[0][2] == USER_AGENT and USER_AGENT.startswith("tilannekuva/")


def test_oversized_body_is_refused(server: ScriptedServer) -> None:
    server.script = [(200, {"X-Unsized": "1"}, b"x" * 5000), (200, {"Content-Length": "9000000"}, b"")]
    session = SourceSession(max_response_bytes=1000, retries=0)
    with pytest.raises(SourceError, match="exceeded the size cap"):
        get_checked(session, "test", server.url)
    with pytest.raises(SourceError, match="Content-Length = 9000000: response larger than the cap"):
        get_checked(session, "test", server.url)


def test_unreachable_host_is_one_clear_error() -> None:
    session = SourceSession(retries=0)
    with pytest.raises(SourceError, match=r"^PxWeb: URL = 'http://127.0.0.1:9/x': cannot connect"):
        get_checked(session, "PxWeb", "http://127.0.0.1:9/x")


def test_throttle_spaces_calls_to_the_announced_limit(server: ScriptedServer) -> None:
    session = SourceSession(retries=0)
    session.set_rate_limit(server.url, RateLimit(calls=2, window_seconds=1))
    for _ in range(3):
        get_checked(session, "test", server.url)
    first, third = server.seen[0][0], server.seen[2][0]
    assert third - first >= 0.9, "the third call waited for the window"
