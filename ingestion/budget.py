"""One call budget per source host, shared by every dataset, thread and process of a run.

StatFin counts calls per client address across all its paths (`?config`, listings, metadata, data)
and answers 429 when a window holds more than it announced. A limiter per dataset or per process
cannot keep that budget, so the calls made are kept in one small SQLite file under the data
directory: every process that opens the same file shares one sliding window per host, and a
host told to back off (a 429) is held for every process at once.

Why not pyrate-limiter's SQLite bucket: its rates are fixed when the bucket is built (the limit
here comes from `?config` at run time and is shared through the file), its blocking wait stamps a
call with a computed rather than the actual time, and it has no notion of a host held after a 429.
A transaction started with `BEGIN IMMEDIATE` gives the cross-process lock without a lock file.

A call is stamped when it is sent, but the server counts it when it arrives, which on a loaded machine
or a slow link can be much later. So a call still waiting for its answer counts as made *now*, and once
answered it counts from its answer (which the server sent after counting it): the window the client
keeps then never starts before the one the server keeps, whatever the delay.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Added to every window before its oldest call stops counting: covers clock jitter between processes.
MIN_MARGIN_SECONDS = 0.25
MARGIN_SHARE = 0.02
# Rows older than this are of no use to any window and are deleted as new calls are recorded.
KEEP_SECONDS = 3600.0
# A call never answered (its process died mid-request) stops counting as made now this long after it
# was sent; longer than any request's connect and first-byte timeouts.
UNANSWERED_SECONDS = 600.0
# How often a process waiting only for another call's answer looks again.
POLL_SECONDS = 0.02

_SCHEMA = """
CREATE TABLE IF NOT EXISTS limits (
    key TEXT PRIMARY KEY,
    calls INTEGER,
    window_seconds REAL,
    announced INTEGER NOT NULL DEFAULT 0,
    held_until REAL NOT NULL DEFAULT 0
);
DROP TABLE IF EXISTS calls;
CREATE TABLE IF NOT EXISTS sent_calls (key TEXT NOT NULL, sent_at REAL NOT NULL, answered_at REAL);
CREATE INDEX IF NOT EXISTS sent_calls_key_sent_at ON sent_calls (key, sent_at);
"""
# When a call counts: its answer, else now (capped for a call whose process died before the answer).
_COUNTS_AT = "coalesce(answered_at, min(:now, sent_at + :unanswered))"


@dataclass(frozen=True)
class Call:
    """One call taken from a budget: its row, and how long the caller waited for it."""

    key: str
    row: int
    waited: float


@dataclass(frozen=True)
class HostLimit:
    """The limit stored for one key: `calls` per `window_seconds` (None: no limit known)."""

    calls: int | None
    window_seconds: float | None
    announced: bool
    held_until: float


def margin_for(window_seconds: float) -> float:
    """The safety margin added to a window before its oldest call stops counting."""
    return max(MIN_MARGIN_SECONDS, window_seconds * MARGIN_SHARE)


class RateBudget:
    """Sliding-window call budgets per key (a source's base URL), kept in SQLite.

    `path=None` keeps the budget in memory (one process); a file path shares it with every
    process that opens the same file. `clock` and `sleep` are injectable so tests need no real waits.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = path
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    # --- storage -----------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        """The connection of this process (a forked child opens its own)."""
        if self._conn is None or self._pid != os.getpid():
            target = ":memory:"
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                target = str(self.path)
            conn = sqlite3.connect(target, timeout=60.0, isolation_level=None, check_same_thread=False)
            conn.executescript(_SCHEMA)
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _transaction(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run `work` in one write transaction: no other process reads or writes the budget meanwhile."""
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    # --- limits ------------------------------------------------------------------------------

    def set_limit(self, key: str, calls: int, window_seconds: float, *, announced: bool = False) -> None:
        """Store the limit of `key` for every process; it applies from the next call on."""
        if calls < 1 or window_seconds <= 0:
            raise ValueError(f"a rate limit needs calls >= 1 and a positive window, got {calls}/{window_seconds}")

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO limits (key, calls, window_seconds, announced) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET calls = excluded.calls, "
                "window_seconds = excluded.window_seconds, announced = excluded.announced",
                (key, calls, float(window_seconds), int(announced)),
            )

        self._transaction(work)

    def set_default(self, key: str, calls: int, window_seconds: float, *, announced: bool = False) -> None:
        """Store a limit for `key` unless one is known already (e.g. announced to another process)."""

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO limits (key, calls, window_seconds, announced) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET calls = excluded.calls, "
                "window_seconds = excluded.window_seconds, announced = excluded.announced "
                "WHERE limits.calls IS NULL",
                (key, calls, float(window_seconds), int(announced)),
            )

        self._transaction(work)

    def limit(self, key: str) -> HostLimit:
        """What is known about `key` (no limit and not held when nothing is)."""
        with self._lock:
            row = (
                self._connection()
                .execute("SELECT calls, window_seconds, announced, held_until FROM limits WHERE key = ?", (key,))
                .fetchone()
            )
        if row is None:
            return HostLimit(None, None, False, 0.0)
        return HostLimit(row[0], row[1], bool(row[2]), float(row[3]))

    # --- calls -------------------------------------------------------------------------------

    @contextmanager
    def call(self, key: str) -> Iterator[Call]:
        """Take one call of `key` for the duration of a request; it counts from its answer once answered."""
        taken = self.acquire(key)
        try:
            yield taken
        finally:
            self.answered(taken)

    def acquire(self, key: str) -> Call:
        """Wait until `key` may take one more call and record it as sent (counting as made now until answered)."""
        waited = 0.0
        while True:
            taken = self._transaction(lambda conn: self._try_take(conn, key))
            if taken[0] is not None:
                return Call(key, taken[0], waited)
            wait = taken[1]
            if wait > POLL_SECONDS:
                log.info("rate budget of %s: waiting %.1f s", key, wait)
            self.sleep(wait)
            waited += wait

    def answered(self, call: Call) -> None:
        """Count `call` from now on from its answer, which the server sent after it counted the call."""

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE sent_calls SET answered_at = max(sent_at, ?) WHERE rowid = ?", (self.clock(), call.row)
            )

        self._transaction(work)

    def _try_take(self, conn: sqlite3.Connection, key: str) -> tuple[int | None, float]:
        """Record a call sent now and return its row, or return how long to wait before trying again."""
        now = self.clock()
        row = conn.execute("SELECT calls, window_seconds, held_until FROM limits WHERE key = ?", (key,)).fetchone()
        calls, window, held_until = row if row is not None else (None, None, 0.0)
        if held_until > now:
            return None, held_until - now
        if calls and window:
            reach = window + margin_for(window)
            nth_newest = conn.execute(
                f"SELECT {_COUNTS_AT} AS at, answered_at IS NULL FROM sent_calls "
                f"WHERE key = :key AND sent_at > :now - :reach - :unanswered AND {_COUNTS_AT} > :now - :reach "
                "ORDER BY at DESC LIMIT 1 OFFSET :offset",
                {"now": now, "unanswered": UNANSWERED_SECONDS, "key": key, "reach": reach, "offset": calls - 1},
            ).fetchone()
            if nth_newest is not None:
                at, unanswered = nth_newest
                if unanswered and at >= now:
                    return None, POLL_SECONDS
                return None, max(at + reach - now, 0.001)
        cursor = conn.execute("INSERT INTO sent_calls (key, sent_at) VALUES (?, ?)", (key, now))
        keep = max(KEEP_SECONDS, 2 * (window or 0) + UNANSWERED_SECONDS)
        conn.execute("DELETE FROM sent_calls WHERE key = ? AND sent_at < ?", (key, now - keep))
        return cursor.lastrowid, 0.0

    def hold(self, key: str, seconds: float) -> None:
        """Make every process wait `seconds` from now before its next call to `key` (a 429's answer)."""

        def work(conn: sqlite3.Connection) -> None:
            until = self.clock() + seconds
            conn.execute(
                "INSERT INTO limits (key, held_until) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET held_until = max(limits.held_until, excluded.held_until)",
                (key, until),
            )

        self._transaction(work)

    def calls_since(self, key: str, since: float) -> int:
        """How many calls to `key` were recorded at or after `since` (for reports and tests)."""
        with self._lock:
            row = (
                self._connection()
                .execute("SELECT count(*) FROM sent_calls WHERE key = ? AND sent_at >= ?", (key, since))
                .fetchone()
            )
        return int(row[0])
