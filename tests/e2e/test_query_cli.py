"""`tilannekuva query`: one read-only SELECT against the serving file, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from serving.query import QueryError, check_read_only, render, run_query
from tests.conftest import CliRun, run_cli

pytestmark = pytest.mark.integration

TA24_MONTHS = (
    "SELECT month, unemployed, unemployment_rate, name_fi FROM fct_labour_market_monthly "
    "JOIN dim_area USING (area_code) WHERE area_code = 'TA24' ORDER BY month DESC LIMIT 3"
)


def test_table_output(sample_refresh: CliRun) -> None:
    result = run_cli("query", TA24_MONTHS, data_dir=sample_refresh.data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["month", "unemployed", "unemployment_rate", "name_fi"]
    assert lines[2].startswith("2026-10-01") and lines[2].rstrip().endswith("Oulun seutu")
    assert lines[-1] == "(3 rows)"


def test_csv_output(sample_refresh: CliRun) -> None:
    result = run_cli("query", TA24_MONTHS, "--format", "csv", data_dir=sample_refresh.data_dir)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.returncode == 0 and len(rows) == 3
    assert [r["month"] for r in rows] == ["2026-10-01", "2026-09-01", "2026-08-01"]
    assert all("." in r["unemployment_rate"] and "," not in r["unemployment_rate"] for r in rows)


def test_json_output(sample_refresh: CliRun) -> None:
    result = run_cli("query", TA24_MONTHS, "--format", "json", data_dir=sample_refresh.data_dir)
    rows = json.loads(result.stdout)
    assert result.returncode == 0 and rows[0]["month"] == "2026-10-01" and rows[0]["name_fi"] == "Oulun seutu"
    assert isinstance(rows[0]["unemployed"], int) and isinstance(rows[0]["unemployment_rate"], float)


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("DROP TABLE dim_area", "refused a DROP statement"),
        ("INSERT INTO dim_area (area_code, area_level) VALUES ('X', 'country')", "refused a INSERT statement"),
        ("COPY dim_area TO '{out}'", "refused a COPY statement"),
        ("ATTACH '{out}' AS other", "refused a ATTACH statement"),
        ("SELECT 1; DROP TABLE dim_area", "exactly one statement, got 2"),
        ("SELECT * FROM read_csv('/etc/passwd')", "file system operations are disabled"),
        ("SELECT * FROM nowhere", "Table with name nowhere does not exist"),
    ],
)
def test_refuses_writes_and_reports_errors(
    sample_refresh: CliRun, tmp_path: Path, statement: str, refusal: str
) -> None:
    serving = sample_refresh.data_dir / "serving" / "tilannekuva.duckdb"
    before = serving.read_bytes()
    out = tmp_path / "out.csv"
    with pytest.raises(QueryError, match=re.escape(refusal)):
        run_query(serving, statement.format(out=out))
    assert serving.read_bytes() == before and not out.exists()


def test_cli_refusal_is_one_sentence_and_exit_2(sample_refresh: CliRun) -> None:
    result = run_cli("query", "DELETE FROM dim_area", data_dir=sample_refresh.data_dir)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        "tilannekuva: only SELECT queries are allowed against the serving file; refused a DELETE statement."
    )


def test_missing_serving_file_is_one_sentence(tmp_path: Path) -> None:
    result = run_cli("query", "SELECT 1", data_dir=tmp_path / "empty")
    assert result.returncode == 2
    assert "no serving file at" in result.stderr and "run `tilannekuva refresh` first" in result.stderr


def test_statement_check_accepts_read_only_forms() -> None:
    for text in (
        "SELECT 1",
        "WITH a AS (SELECT 1) SELECT * FROM a",
        "DESCRIBE dim_area",
        "SHOW TABLES",
        "FROM dim_area",
    ):
        assert check_read_only(text)
    for text in ("SET threads = 1", "INSTALL httpfs", "CHECKPOINT", "EXPORT DATABASE 'x'", "BEGIN"):
        with pytest.raises(QueryError, match="only SELECT queries"):
            check_read_only(text)


def test_render_marks_nulls_and_counts_rows() -> None:
    table = render(["a", "b"], [(1, None), (22, "x")], "table")
    assert table.splitlines()[2].split() == ["1", "NULL"] and table.endswith("(2 rows)")
    assert render(["a", "b"], [(1, None)], "csv") == "a,b\n1,"
    assert json.loads(render(["a"], [(None,)], "json")) == [{"a": None}]
