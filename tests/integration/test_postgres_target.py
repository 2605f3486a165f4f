"""PostgreSQL target on a real server: a throwaway cluster started for these tests (initdb/pg_ctl on loopback)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg
import pytest

from ingestion.settings import Settings, load_settings
from serving.postgres import LIVE_SCHEMA, PREVIOUS_SCHEMA, READER_ROLE
from serving.publish import PublishError, publish_serving
from tests.conftest import CliRun
from tests.integration.serving_helpers import copy_data_dir

pytestmark = pytest.mark.integration


def _unavailable(reason: str) -> None:
    """Skip with the reason; in CI, where .ci/run installs PostgreSQL, a server that cannot start is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL test server: {reason}")
    pytest.skip(f"PostgreSQL test server: {reason}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway cluster in a temp dir on a loopback port; yields the admin URL of its `postgres` database."""
    initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdbs:
        _unavailable("no /usr/lib/postgresql/*/bin/initdb (install Debian's postgresql package; .ci/run does)")
    bindir = Path(initdbs[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="tilannekuva-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data, log = root / "data", root / "server.log"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*as_user, *args], capture_output=True, text=True, timeout=120, check=False)

    init = run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    start = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    if start.returncode != 0:
        reason = log.read_text(errors="replace")[-500:] if log.exists() else start.stderr
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"pg_ctl start failed: {reason.strip()}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """A fresh database per test; returns its admin URL."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return postgres_server.rsplit("/", 1)[0] + f"/{name}"


def _settings(sample_refresh: CliRun, tmp_path: Path, url: str, only_core_marts: bool = True) -> Settings:
    data_dir = copy_data_dir(sample_refresh, tmp_path, only_core_marts)
    return load_settings(data_dir=data_dir).with_overrides(postgres_url=url)


def _reader_url(admin_url: str, login: str = "bi_user") -> str:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [login]).fetchone():
            admin.execute(f"CREATE ROLE {login} LOGIN IN ROLE {READER_ROLE}")
    return admin_url.replace("postgres@", f"{login}@", 1)


def test_publish_loads_every_served_table(sample_refresh: CliRun, tmp_path: Path, database: str) -> None:
    settings = _settings(sample_refresh, tmp_path, database, only_core_marts=False)
    published = publish_serving(settings)
    assert published.postgres_schema == LIVE_SCHEMA
    with duckdb.connect(str(settings.serving_path), read_only=True) as served, psycopg.connect(database) as pg:
        tables = sorted(r[0] for r in served.execute("SELECT table_name FROM information_schema.tables").fetchall())
        loaded = sorted(
            r[0] for r in pg.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [LIVE_SCHEMA]).fetchall()
        )
        assert loaded == tables and "publish_info" in tables
        for table in tables:
            rows = served.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert pg.execute(f"SELECT count(*) FROM {LIVE_SCHEMA}.{table}").fetchone()[0] == rows
            if not rows or rows > 50_000:  # an empty mart has no rows to compare; big ones would only slow the suite
                continue
            expected = served.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            order = ", ".join(str(i + 1) for i in range(len(expected[0])))
            actual = pg.execute(f"SELECT * FROM {LIVE_SCHEMA}.{table} ORDER BY {order}").fetchall()
            assert actual == expected, f"{table} differs between DuckDB and PostgreSQL"
        checks = "SELECT count(*), sum(unemployed), sum(unemployment_rate), max(source_updated_at) FROM "
        ours = served.execute(checks + "fct_labour_market_monthly").fetchone()
        theirs = pg.execute(checks + f"{LIVE_SCHEMA}.fct_labour_market_monthly").fetchone()
        assert theirs[:2] == ours[:2] and abs(theirs[2] - ours[2]) < 1e-6 and theirs[3] == ours[3]
        types = dict(
            pg.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = 'fct_labour_market_monthly'",
                [LIVE_SCHEMA],
            ).fetchall()
        )
        assert types["month"] == "date" and types["unemployed"] == "bigint"
        assert types["unemployment_rate"] == "double precision" and types["unemployed_is_lower_bound"] == "boolean"
        assert types["lower_bound_columns"] == "ARRAY"
        comments = pg.execute(
            f"SELECT obj_description('{LIVE_SCHEMA}.publish_info'::regclass), "
            f"col_description('{LIVE_SCHEMA}.publish_info'::regclass, 1)"
        ).fetchone()
        assert comments == (
            "When and from what this serving file was published.",
            "When this serving file was published, UTC.",
        )


def test_reader_role_can_select_the_marts_and_nothing_else(
    sample_refresh: CliRun, tmp_path: Path, database: str
) -> None:
    settings = _settings(sample_refresh, tmp_path, database)
    publish_serving(settings)
    publish_serving(settings)
    with psycopg.connect(database, autocommit=True) as admin:
        admin.execute("CREATE TABLE public.private_notes AS SELECT 'secret' AS note")
        schemas = [r[0] for r in admin.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tilannekuva%'")]
        assert sorted(schemas) == [LIVE_SCHEMA, PREVIOUS_SCHEMA]
    with psycopg.connect(_reader_url(database), autocommit=True) as reader:
        count = reader.execute(f"SELECT count(*) FROM {LIVE_SCHEMA}.dim_area WHERE area_code = 'TA24'").fetchone()
        assert count == (1,)
        assert reader.execute(f"SELECT count(*) > 0 FROM {LIVE_SCHEMA}.publish_info").fetchone() == (True,)
        refused = [
            f"INSERT INTO {LIVE_SCHEMA}.dim_area (area_code, area_level) VALUES ('X', 'country')",
            f"UPDATE {LIVE_SCHEMA}.fct_labour_market_monthly SET unemployed = 0",
            f"DELETE FROM {LIVE_SCHEMA}.dim_area",
            f"TRUNCATE {LIVE_SCHEMA}.dim_area",
            f"DROP TABLE {LIVE_SCHEMA}.dim_area",
            f"ALTER TABLE {LIVE_SCHEMA}.dim_area ADD COLUMN x integer",
            f"CREATE TABLE {LIVE_SCHEMA}.scratch (a integer)",
            "CREATE TABLE public.scratch (a integer)",
            "CREATE SCHEMA scratch",
            f"SELECT * FROM {PREVIOUS_SCHEMA}.dim_area",
            "SELECT * FROM public.private_notes",
        ]
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(statement)


def test_switch_shows_readers_old_or_new_never_a_mix(sample_refresh: CliRun, tmp_path: Path, database: str) -> None:
    settings = _settings(sample_refresh, tmp_path, database)
    expected: dict[str, tuple[int, str]] = {}

    def publish_marked(build: int) -> None:
        with duckdb.connect(str(settings.warehouse_path)) as con:
            con.execute(
                "UPDATE marts.fct_labour_market_monthly SET unemployed = unemployed + 1 WHERE area_code = 'SSS'"
            )
            con.execute("UPDATE marts.dim_area SET name_en = ? WHERE area_code = 'SSS'", [f"build {build}"])
            total = int(con.execute("SELECT sum(unemployed) FROM marts.fct_labour_market_monthly").fetchone()[0])
        stamp = publish_serving(settings).published_at
        expected[stamp[:26]] = (total, f"build {build}")

    publish_marked(0)
    stop = threading.Event()
    answers: list[tuple[str, int, str]] = []
    errors: list[str] = []
    query = f"""
        SELECT to_char(max(p.published_at), 'YYYY-MM-DD"T"HH24:MI:SS.US'),
               (SELECT sum(unemployed) FROM {LIVE_SCHEMA}.fct_labour_market_monthly),
               (SELECT name_en FROM {LIVE_SCHEMA}.dim_area WHERE area_code = 'SSS')
        FROM {LIVE_SCHEMA}.publish_info p
    """

    def read(url: str) -> None:
        with psycopg.connect(url, autocommit=True) as con:
            while not stop.is_set():
                try:
                    stamp, total, marker = con.execute(query).fetchone()
                    answers.append((stamp, int(total), marker))
                except psycopg.Error as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.01)  # a dashboard's pace; a tight loop would only starve the publisher of the GIL

    readers = [threading.Thread(target=read, args=(_reader_url(database),)) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        for build in range(1, 3):
            time.sleep(0.3)
            publish_marked(build)
        time.sleep(0.3)
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
    assert errors == []
    assert answers and all((total, marker) == expected[stamp] for stamp, total, marker in answers)
    assert len({stamp for stamp, _, _ in answers}) >= 3, f"{len(answers)} answers saw too few builds"


def test_switch_waits_for_a_long_reader_transaction(sample_refresh: CliRun, tmp_path: Path, database: str) -> None:
    """A reader inside a transaction keeps its consistent old build; the switch retries until it ends."""
    settings = _settings(sample_refresh, tmp_path, database)
    publish_serving(settings)
    with psycopg.connect(_reader_url(database)) as reader:
        first = reader.execute(f"SELECT max(published_at) FROM {LIVE_SCHEMA}.publish_info").fetchone()
        release = threading.Timer(2.0, reader.rollback)
        release.start()
        started = time.monotonic()
        publish_serving(settings)
        waited = time.monotonic() - started
        release.join()
        second = reader.execute(f"SELECT max(published_at) FROM {LIVE_SCHEMA}.publish_info").fetchone()
    assert waited >= 1.5 and second > first


def test_unmapped_type_fails_by_name_and_changes_nothing(sample_refresh: CliRun, tmp_path: Path, database: str) -> None:
    settings = _settings(sample_refresh, tmp_path, database)
    publish_serving(settings)
    before = settings.serving_path.read_bytes()
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("CREATE TABLE marts.odd AS SELECT [1, 2] AS list_column")
    with pytest.raises(PublishError, match=r"column odd\.list_column has DuckDB type 'INTEGER\[\]'"):
        publish_serving(settings)
    assert settings.serving_path.read_bytes() == before
    with psycopg.connect(database) as pg:
        schemas = sorted(r[0] for r in pg.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tilannekuva%'"))
        tables = pg.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tablename = 'odd'", [LIVE_SCHEMA])
        assert schemas == [LIVE_SCHEMA] and tables.fetchone() == (0,)
