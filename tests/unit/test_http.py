"""The shared HTTP session against a real server on loopback: retries, Retry-After, caps, one call budget per host."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingestion.budget import UNANSWERED_SECONDS, Call, RateBudget, margin_for
from ingestion.errors import SourceError
from ingestion.http import RETRY_AFTER_MAX_SECONDS, USER_AGENT, RateLimit, SourceSession, get_checked
from ingestion.pxweb import PxWebClient


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


# --- one budget per host: retries, 429s, ?config, processes ---------------------------------------


class FakeClock:
    """Wall time that only moves when someone sleeps: waits are measured, never spent."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class CountingBudget(RateBudget):
    """A budget that records the (fake) time of every call it lets through."""

    def __init__(self, path: Path | None = None, clock: FakeClock | None = None) -> None:
        self.fake = clock or FakeClock()
        super().__init__(path, clock=self.fake, sleep=self.fake.sleep)
        self.granted: list[tuple[str, float]] = []

    def acquire(self, key: str) -> Call:
        taken = super().acquire(key)
        self.granted.append((key, self.clock()))
        return taken


def test_every_retry_passes_the_throttle(server: ScriptedServer) -> None:
    server.script = [(503, {}, b""), (429, {"Retry-After": "0"}, b""), (502, {}, b""), (200, {}, b"{}")]
    budget = CountingBudget()
    session = SourceSession(retries=5, backoff_factor=0.0, budget=budget)
    session.set_rate_limit(server.url, RateLimit(calls=100, window_seconds=60))
    get_checked(session, "test", f"{server.url}/data")
    assert len(server.seen) == 4
    assert [key for key, _ in budget.granted] == [server.url] * 4, "one acquisition per attempt"


def test_connection_retries_pass_the_throttle() -> None:
    budget = CountingBudget()
    session = SourceSession(retries=2, backoff_factor=0.0, budget=budget)
    with pytest.raises(SourceError, match="cannot connect"):
        get_checked(session, "PxWeb", "http://127.0.0.1:9/x")
    assert len(budget.granted) == 3


def test_retries_count_against_the_window(server: ScriptedServer) -> None:
    """Two calls per 10 s: a call and its two retries take two windows, as the server counts them."""
    server.script = [(500, {}, b""), (500, {}, b""), (200, {}, b"{}")]
    budget = CountingBudget()
    session = SourceSession(retries=3, backoff_factor=0.0, budget=budget)
    session.set_rate_limit(server.url, RateLimit(calls=2, window_seconds=10))
    get_checked(session, "test", server.url)
    times = [at for _, at in budget.granted]
    assert len(times) == 3
    assert times[2] - times[0] >= 10 + margin_for(10), "the second retry waited for the window"


def test_429_without_retry_after_waits_the_announced_window(server: ScriptedServer) -> None:
    server.script = [(429, {}, b"slow down"), (200, {}, b'{"ok": true}')]
    budget = CountingBudget()
    session = SourceSession(retries=3, backoff_factor=0.01, budget=budget)
    session.set_rate_limit(server.url, RateLimit(calls=40, window_seconds=30, announced=True))
    assert get_checked(session, "test", server.url).json() == {"ok": True}
    (_, first), (_, second) = budget.granted
    assert second - first >= 30, "waited out the announced window"
    assert second - first < 31


def test_429_without_retry_after_on_a_limit_of_our_own_uses_the_backoff(server: ScriptedServer) -> None:
    server.script = [(429, {}, b""), (200, {}, b"{}")]
    budget = CountingBudget()
    session = SourceSession(retries=3, backoff_factor=0.0, budget=budget)
    session.set_rate_limit(server.url, RateLimit(calls=240, window_seconds=60))
    get_checked(session, "test", server.url)
    (_, first), (_, second) = budget.granted
    assert 1 <= second - first < 2


@pytest.mark.parametrize(("header", "expected"), [("7", 7), ("99999", RETRY_AFTER_MAX_SECONDS)])
def test_429_with_retry_after_is_honoured_and_capped(server: ScriptedServer, header: str, expected: int) -> None:
    server.script = [(429, {"Retry-After": header}, b""), (200, {}, b"{}")]
    budget = CountingBudget()
    session = SourceSession(retries=3, backoff_factor=0.01, budget=budget)
    session.set_rate_limit(server.url, RateLimit(calls=40, window_seconds=30, announced=True))
    get_checked(session, "test", server.url)
    (_, first), (_, second) = budget.granted
    assert second - first == pytest.approx(expected, abs=0.5)


def test_a_429_holds_every_session_sharing_the_budget(server: ScriptedServer, tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "budget.sqlite3"
    first = SourceSession(retries=0, budget=CountingBudget(path, clock))
    other = SourceSession(retries=0, budget=CountingBudget(path, clock))
    first.set_rate_limit(server.url, RateLimit(calls=40, window_seconds=20, announced=True))
    other.register(server.url)
    server.script = [(429, {}, b"")]
    with pytest.raises(SourceError, match="HTTP status = 429"):
        get_checked(first, "test", server.url)
    first.budget.hold(server.url, 0)  # a hold never shortens: still 20 s
    started = clock.now
    get_checked(other, "test", server.url)
    assert clock.now - started == pytest.approx(20, abs=0.01), "the other session waited for the hold"


def test_config_limit_applies_from_the_next_call(server: ScriptedServer) -> None:
    config = {"maxValues": 1000, "maxCells": 1000, "maxCalls": 2, "timeWindow": 5}
    server.script = [(200, {}, json.dumps(config).encode()), (200, {}, b"[]"), (200, {}, b"[]")]
    budget = CountingBudget()
    session = SourceSession(retries=0, budget=budget)
    base = f"{server.url}/PxWeb/api/v1"
    session.register(base)
    budget.set_default(base, 10, 60, announced=True)
    client = PxWebClient(session, base)
    limits, _ = client.config()
    assert (limits.max_calls, limits.time_window) == (2, 5)
    stored = budget.limit(base)
    assert (stored.calls, stored.window_seconds, stored.announced) == (2, 5, True)
    client.list_tables("StatFin/tyonv")
    client.list_tables("StatFin/vaerak")
    times = [at for _, at in budget.granted]
    assert times[1] == times[0], "the config call and the next share the window"
    assert times[2] - times[0] >= 5, "the third call waited: ?config's 2 calls / 5 s counts the config call"


def test_budget_window_default_and_hold() -> None:
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    budget.set_default("k", 3, 10)
    budget.set_default("k", 99, 1)
    assert budget.limit("k").calls == 3, "a default never replaces a known limit"
    start = clock.now
    for _ in range(7):
        with budget.call("k"):
            pass
    assert clock.now - start == pytest.approx(2 * (10 + margin_for(10)), abs=0.01)
    assert budget.calls_since("k", start) == 7
    budget.hold("k", 100)
    budget.hold("k", 5)
    assert budget.limit("k").held_until == pytest.approx(clock.now + 100)
    assert budget.acquire("unlimited").waited == 0


def test_a_call_counts_from_its_answer() -> None:
    """A slow answer moves the call's place in the window: the server counted it when it arrived."""
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    budget.set_limit("k", 2, 10)
    first = budget.acquire("k")
    with budget.call("k"):
        pass
    clock.now += 7  # the first call's answer takes 7 s
    budget.answered(first)
    start = clock.now
    with budget.call("k"):
        pass
    assert clock.now - start == pytest.approx(3 + margin_for(10), abs=0.01), "the window ran from the 7 s answer"


def test_an_unanswered_call_counts_as_made_now_until_it_is_abandoned() -> None:
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    budget.set_limit("k", 1, 1)
    budget.acquire("k")  # its process dies before the answer
    start = clock.now
    with budget.call("k"):
        pass
    waited = clock.now - start
    assert UNANSWERED_SECONDS <= waited <= UNANSWERED_SECONDS + 1 + margin_for(1) + 0.1


def _calls_from_a_process(path: str, url: str, calls: int) -> None:
    """Child process: `calls` GETs through a session whose budget lives in `path`."""
    session = SourceSession(retries=0, budget=RateBudget(Path(path)))
    session.set_rate_limit(url, RateLimit(calls=3, window_seconds=0.5))
    for _ in range(calls):
        get_checked(session, "test", url)


def _busiest_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


def _run_two_processes(server: ScriptedServer, paths: tuple[Path, Path]) -> list[float]:
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=_calls_from_a_process, args=(str(p), server.url, 6)) for p in paths]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    return [at for at, _, _ in server.seen]


def test_two_processes_share_one_budget(server: ScriptedServer, tmp_path: Path) -> None:
    shared = tmp_path / "budget.sqlite3"
    times = _run_two_processes(server, (shared, shared))
    assert len(times) == 12
    assert _busiest_window(times, 0.5) <= 3, "two processes together kept 3 calls per 0.5 s"


def test_two_processes_with_their_own_budgets_overrun_the_limit(server: ScriptedServer, tmp_path: Path) -> None:
    """The control: separate budgets (the old behaviour) make more calls per window than announced."""
    times = _run_two_processes(server, (tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"))
    assert len(times) == 12
    assert _busiest_window(times, 0.5) > 3


def test_redirects_pass_the_throttle(server: ScriptedServer) -> None:
    server.script = [(302, {"Location": "/moved"}, b""), (200, {}, b"{}")]
    budget = CountingBudget()
    session = SourceSession(retries=0, budget=budget)
    get_checked(session, "test", f"{server.url}/old")
    assert len(server.seen) == 2 and len(budget.granted) == 2
