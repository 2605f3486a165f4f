"""Hostile configuration and input: settings, SQL in the query CLI, and documents built to hurt the parsers."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest

from ingestion.errors import SettingsError, SourceError
from ingestion.http import RETRY_AFTER_MAX_SECONDS, SourceSession
from ingestion.jsonstat import MAX_JSON_DEPTH, load_json, parse_jsonstat2
from ingestion.pxweb import check_answer
from ingestion.settings import load_settings
from serving.query import QueryError, run_query

HOSTILE_SETTINGS = [
    ({"area": "TA24'; DROP TABLE dim_area; --"}, "TILANNEKUVA_AREA"),
    ({"area": "../TA24"}, "TILANNEKUVA_AREA"),
    ({"history_start": "2019M01' OR '1'='1"}, "TILANNEKUVA_HISTORY_START"),
    ({"pxweb_base_url": "file:///etc/passwd"}, "TILANNEKUVA_PXWEB_BASE_URL"),
    ({"pxweb_base_url": "http://evil.example/\r\nHost: other"}, "control characters"),
    ({"classification_base_url": "https://user:pw@data.stat.fi/api"}, "user name or password"),
    ({"kela_base_url": "https://www.avoindata.fi/api?id=x"}, "?query"),
    ({"kela_base_url": "https://www.avoindata.fi:99999/api"}, "malformed port"),
    ({"sources": ("statfin", "../../etc")}, "TILANNEKUVA_SOURCES"),
    ({"retries": 1000}, "TILANNEKUVA_HTTP_RETRIES"),
    ({"backoff_factor": -1.0}, "TILANNEKUVA_HTTP_BACKOFF"),
    ({"read_timeout": 0.0}, "TILANNEKUVA_HTTP_TIMEOUT"),
    ({"postgres_url": "sqlite:///tmp/x.db"}, "TILANNEKUVA_POSTGRES_URL"),
]


@pytest.mark.parametrize(("overrides", "named"), HOSTILE_SETTINGS)
def test_hostile_settings_are_refused_with_the_setting_named(
    overrides: dict[str, object], named: str, tmp_path: Path
) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(data_dir=tmp_path, **overrides)
    assert named in str(refused.value)


@pytest.mark.parametrize("name", ["it's", "line\nbreak"])
def test_a_data_dir_that_would_break_sql_literals_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(SettingsError, match="TILANNEKUVA_DATA_DIR"):
        load_settings(data_dir=tmp_path / name)


def test_http_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TILANNEKUVA_HTTP_RETRIES", "2")
    monkeypatch.setenv("TILANNEKUVA_HTTP_BACKOFF", "0")
    monkeypatch.setenv("TILANNEKUVA_HTTP_TIMEOUT", "7.5")
    settings = load_settings(data_dir=tmp_path)
    assert (settings.retries, settings.backoff_factor, settings.read_timeout) == (2, 0.0, 7.5)
    monkeypatch.setenv("TILANNEKUVA_HTTP_RETRIES", "many")
    with pytest.raises(SettingsError, match="TILANNEKUVA_HTTP_RETRIES must be a whole number"):
        load_settings(data_dir=tmp_path)


def test_retry_after_is_capped() -> None:
    """A server asking to come back in a day is retried after at most RETRY_AFTER_MAX_SECONDS."""
    retry = SourceSession().retry
    assert retry.parse_retry_after("86400") == RETRY_AFTER_MAX_SECONDS


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serving") / "tilannekuva.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE dim_area AS SELECT 'TA24' AS area_code, 'Oulun seutu' AS name_fi")
    return path


SECRET_FILE = "/etc/hostname"
HOSTILE_QUERIES = [
    "DROP TABLE dim_area",
    "SELECT 1; DROP TABLE dim_area",
    "COPY dim_area TO '/tmp/stolen.csv'",
    "ATTACH '/tmp/other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "PRAGMA enable_external_access",
    "EXPORT DATABASE '/tmp/dump'",
    "CREATE TABLE x AS SELECT 1",
    "UPDATE dim_area SET name_fi = 'x'",
    "CALL pragma_version()",
    f"SELECT * FROM read_csv('{SECRET_FILE}')",
    f"SELECT * FROM read_text('{SECRET_FILE}')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('https://example.org/x.parquet')",
    "WITH x AS (SELECT 1) SELECT * FROM read_blob('/etc/passwd')",
    "SELECT current_setting('enable_external_access') FROM (SET enable_external_access = true)",
]


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_the_query_cli_refuses_writes_and_file_access(serving: Path, text: str) -> None:
    before = serving.read_bytes()
    with pytest.raises(QueryError):
        run_query(serving, text)
    assert serving.read_bytes() == before
    assert not Path("/tmp/stolen.csv").exists()


def test_the_query_cli_binds_nothing_from_the_text_but_runs_plain_selects(serving: Path) -> None:
    columns, rows = run_query(serving, "select area_code from dim_area where name_fi = 'Oulun seutu'")
    assert columns == ["area_code"] and rows == [("TA24",)]


def test_pathologically_nested_json_is_refused() -> None:
    for depth in (MAX_JSON_DEPTH + 1, 50_000):
        with pytest.raises(SourceError, match=f"nested deeper than {MAX_JSON_DEPTH}"):
            load_json(b"[" * depth + b"]" * depth, "test source")
    assert load_json(b"[" * 10 + b"]" * 10, "test source") == [[[[[[[[[[]]]]]]]]]]


def test_a_key_twice_in_one_object_is_refused() -> None:
    with pytest.raises(SourceError, match="object key = 'KU564': the same key appears twice"):
        load_json(b'{"index": {"KU564": 0, "KU564": 1}}', "test source")


def test_a_status_index_outside_the_cube_is_refused() -> None:
    doc = {
        "class": "dataset",
        "id": ["Alue"],
        "size": [2],
        "dimension": {"Alue": {"category": {"index": {"SSS": 0, "KU564": 1}}}},
        "value": [1, None],
        "status": {"7": "..."},
    }
    with pytest.raises(SourceError, match="status = 7: cell index outside the 2 cells"):
        parse_jsonstat2(doc, "test source")


def test_an_answer_with_codes_not_asked_for_is_refused() -> None:
    body = {"query": [{"code": "Alue", "selection": {"filter": "item", "values": ["SSS", "KU564"]}}]}
    answer = {"class": "dataset", "id": ["Alue"], "dimension": {"Alue": {"category": {"index": {"SSS": 0}}}}}
    with pytest.raises(SourceError, match="dimension Alue = 'KU564': asked-for code missing"):
        check_answer("StatFin/tyonv/12r5.px", body, answer)
    answer["dimension"]["Alue"]["category"]["index"] = {"SSS": 0, "KU564": 1, "KU091": 2}
    with pytest.raises(SourceError, match="dimension Alue = 'KU091': code in the answer that was not asked for"):
        check_answer("StatFin/tyonv/12r5.px", body, answer)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("members", "problem"),
    [
        ({"../../etc/cron.d/companies.json": b"[]"}, "escape"),
        ({"/abs/companies.json": b"[]"}, "escape"),
        ({"companies.json": json.dumps([{"a": "x" * 100}] * 50_000).encode()}, "bomb"),
    ],
)
def test_prh_zip_members_escaping_or_exploding_are_refused(
    tmp_path: Path, members: dict[str, bytes], problem: str
) -> None:
    """PRH (ingestion/prh/archive.py) refuses `../` or absolute member names and caps what a member unpacks to."""
    prh = pytest.importorskip("ingestion.prh.archive")
    path = tmp_path / "all_companies.zip"
    path.write_bytes(_zip(members))
    with pytest.raises(SourceError):
        prh.check_archive(path, 1024 * 1024)
    assert not (tmp_path.parent / "etc").exists()


def test_prh_bytes_that_only_start_like_a_zip_are_refused(tmp_path: Path) -> None:
    prh = pytest.importorskip("ingestion.prh.archive")
    path = tmp_path / "all_companies.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(SourceError):
        prh.check_archive(path, 1024 * 1024)
