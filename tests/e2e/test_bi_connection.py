"""A BI tool's view: SQLAlchemy with duckdb-engine (the driver Superset uses), read-only, dashboard queries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from serving.dashboard_queries import DASHBOARD_QUERIES
from tests.conftest import CliRun

pytestmark = pytest.mark.integration


@pytest.fixture
def engine(sample_refresh: CliRun, tmp_path: Path) -> sa.Engine:
    """The README's URI on a private copy of the serving file (an engine keeps its own DuckDB instance)."""
    serving = tmp_path / "tilannekuva.duckdb"
    shutil.copyfile(sample_refresh.data_dir / "serving" / "tilannekuva.duckdb", serving)
    engine = sa.create_engine(f"duckdb:///{serving}?access_mode=read_only")
    yield engine
    engine.dispose()


def test_dashboard_queries_answer_through_sqlalchemy(engine: sa.Engine) -> None:
    with engine.connect() as con:
        answers = {
            name: con.exec_driver_sql(sql, {"area": "TA24"}).mappings().all() for name, sql in DASHBOARD_QUERIES.items()
        }
    assert len(answers) == 10 and all(answers.values()), [n for n, rows in answers.items() if not rows]
    headline = answers["headline_latest_month"][0]
    assert str(headline["month"]) == "2026-10-01" and headline["unemployed"] > 0
    assert len(answers["member_municipalities_latest"]) == 11
    assert {r["area_code"] for r in answers["employment_area_ranking"]} >= {"TA24", "TA01"}
    assert sum(r["is_selected"] for r in answers["employment_area_ranking"]) == 1
    assert {r["area_level"] for r in answers["area_region_country_rates"]} == {"employment_area", "region", "country"}
    assert len(answers["services_breakdown_latest"]) == 6


def test_bound_parameters_and_catalogue_listing(engine: sa.Engine) -> None:
    """What a BI tool does first: list schemas and tables, then filter with a bound parameter."""
    with engine.connect() as con:
        inspector = sa.inspect(con)
        assert {"dim_area", "fct_labour_market_monthly", "publish_info"} <= set(inspector.get_table_names())
        assert inspector.get_view_names() == []
        rows = (
            con.execute(sa.text("SELECT name_fi FROM dim_area WHERE area_code = :code"), {"code": "TA24"})
            .scalars()
            .all()
        )
    assert rows == ["Oulun seutu"]


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE scratch (a INTEGER)",
        "DELETE FROM dim_area",
        "UPDATE fct_labour_market_monthly SET unemployed = 0",
        "DROP TABLE publish_info",
    ],
)
def test_read_only_connection_refuses_writes(engine: sa.Engine, statement: str) -> None:
    with engine.connect() as con, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        con.exec_driver_sql(statement)


@pytest.mark.xfail(
    strict=True,
    reason="duckdb-engine 0.17 column reflection with SQLAlchemy >= 2.0.45 queries pg_catalog.pg_collation "
    "columns DuckDB does not emulate (Mause/duckdb_engine#1379, duckdb/duckdb#22069); Superset pins SQLAlchemy 1.4",
)
def test_column_reflection(engine: sa.Engine) -> None:
    with engine.connect() as con:
        columns = sa.inspect(con).get_columns("dim_area")
    assert [c["name"] for c in columns][:2] == ["area_code", "area_level"]
