"""Cheaper commits for Dagster's SQLite run history (imported once with the definitions).

Dagster's SQLite storage opens, commits and closes a connection for every event it stores (some
450 events in a refresh where nothing changed), and SQLite's default `synchronous=FULL` syncs the
disk each time: measured at 11–20 ms per event on the reference machine, most of a no-change run.
In WAL mode (Dagster's setting) `synchronous=NORMAL` cannot corrupt a database on power loss, it
can only lose the last commits, so the shared history files get that. The per-run event shards
(`history/runs/<run id>.db`, one run's log each) get `OFF`: at worst a power cut damages the log of
the run that was then running, never the warehouse (the data is not in these files).
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

RUN_SHARD_DIR = "/history/runs/"


@event.listens_for(Engine, "connect")
def _set_synchronous(dbapi_connection: object, _record: object) -> None:
    """SQLAlchemy hook run on every new SQLite connection of any engine in this process."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    files = [row[2] or "" for row in dbapi_connection.execute("PRAGMA database_list")]
    run_shard = any(RUN_SHARD_DIR in path and path.endswith(".db") for path in files)
    dbapi_connection.execute(f"PRAGMA synchronous={'OFF' if run_shard else 'NORMAL'}")
