"""Exposure: the UI listens on loopback only, published files are not writable by others, secrets stay out of logs."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.errors import SettingsError, TilannekuvaError
from ingestion.settings import load_settings
from serving.publish import publish_serving
from tests.helpers import PROJECT_ROOT

SECRET = "s3cr3t-T0KEN-do-not-log"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, read from /proc/net/tcp{,6}."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not os.path.exists(table):
            continue
        with open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    packed = bytes.fromhex(address)
                    if width == 8:
                        found.add(socket.inet_ntop(socket.AF_INET, packed[::-1]))
                    else:
                        words = b"".join(packed[i : i + 4][::-1] for i in range(0, 16, 4))
                        found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def _bound_addresses(command: list[str], tmp_path: Path, timeout: float = 120) -> set[str]:
    """Start a Dagster UI process without any host option; return the addresses it listens on."""
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
    env.update({"DAGSTER_HOME": str(home), "TILANNEKUVA_DATA_DIR": str(tmp_path / "data")})
    log = (tmp_path / "ui.log").open("w")
    process = subprocess.Popen(
        [*command, "-w", "workspace.yaml", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "ui.log").read_text()
            addresses = _listening(port)
            if addresses:
                return addresses
            time.sleep(0.5)
        pytest.fail(f"{command[0]} did not listen on {port} within {timeout} s")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_dagster_webserver_listens_on_loopback_by_default(tmp_path: Path) -> None:
    webserver = Path(sys.executable).with_name("dagster-webserver")
    assert _bound_addresses([str(webserver)], tmp_path) <= {"127.0.0.1", "::1"}


@pytest.mark.full_matrix
def test_dagster_dev_listens_on_loopback_by_default(tmp_path: Path) -> None:
    dagster = Path(sys.executable).with_name("dagster")
    assert _bound_addresses([str(dagster), "dev"], tmp_path) <= {"127.0.0.1", "::1"}


def _tiny_warehouse(data_dir: Path) -> None:
    build = data_dir / "build"
    build.mkdir(parents=True)
    with duckdb.connect(str(build / "warehouse.duckdb")) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.dim_area AS SELECT 'TA24' AS area_code, 'Oulun seutu' AS name_fi")


def test_published_files_are_readable_but_not_writable_by_others(tmp_path: Path) -> None:
    """Even under a permissive umask (000), publish leaves 0644 files and 0755 directories."""
    data_dir = tmp_path / "data"
    _tiny_warehouse(data_dir)
    previous = os.umask(0)
    try:
        published = publish_serving(load_settings(data_dir=data_dir, mode="sample"))
    finally:
        os.umask(previous)
    served = [published.serving_path, published.exports_dir.resolve(), data_dir / "serving"]
    served += list(published.exports_dir.resolve().rglob("*"))
    assert len(served) >= 6
    for path in served:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o022 == 0, f"{path} is writable by group or others ({oct(mode)})"
        assert mode & 0o004, f"{path} is not readable by others ({oct(mode)})"
        assert mode == (0o755 if path.is_dir() else 0o644), f"{path}: {oct(mode)}"


def test_secrets_are_masked_in_settings_and_messages(tmp_path: Path) -> None:
    webhook = f"https://hooks.example.org/services/{SECRET}"
    postgres = f"postgresql://tilannekuva:{SECRET}@127.0.0.1:9/tilannekuva"
    settings = load_settings(data_dir=tmp_path, alert_webhook_url=webhook, postgres_url=postgres)
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    with pytest.raises(SettingsError) as bad:
        load_settings(data_dir=tmp_path, alert_webhook_url=f"ftp://hooks.example.org/{SECRET}")
    assert SECRET not in str(bad.value) and "hooks.example.org" in str(bad.value)


def test_postgres_password_is_not_in_a_publish_failure(tmp_path: Path) -> None:
    """Publishing to an unreachable PostgreSQL fails with the URL redacted; the serving file is not replaced."""
    pytest.importorskip("psycopg")
    data_dir = tmp_path / "data"
    _tiny_warehouse(data_dir)
    postgres = f"postgresql://tilannekuva:{SECRET}@127.0.0.1:9/tilannekuva?connect_timeout=2"
    with pytest.raises(TilannekuvaError) as failed:
        publish_serving(load_settings(data_dir=data_dir, mode="sample", postgres_url=postgres))
    assert SECRET not in str(failed.value) and "***" in str(failed.value)
    assert not (data_dir / "serving" / "tilannekuva.duckdb").exists()


def secret_leaks(data_dir: Path, *texts: str) -> list[str]:
    """Every log file, run-history database and captured output under `data_dir` that holds SECRET."""
    leaks = [f"output {i}" for i, text in enumerate(texts) if SECRET in text]
    for path in data_dir.rglob("*"):
        if path.is_file() and path.suffix not in (".parquet", ".duckdb") and SECRET.encode() in path.read_bytes():
            leaks.append(str(path))
    return leaks
