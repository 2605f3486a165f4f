"""Helpers for the serving tests: a private copy of the sample refresh's data directory to publish again."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from serving.publish import MART_SCHEMA
from tests.conftest import CliRun

CORE_MARTS = ("dim_area", "fct_labour_market_monthly")


def copy_data_dir(run: CliRun, tmp_path: Path, only_core_marts: bool = True) -> Path:
    """Copy the refreshed data dir; by default keep only the two core marts in the build warehouse.

    Tests that publish several times check the publish mechanics (swaps, locks, rollbacks), which do
    not depend on how many marts there are; trimming the big ones keeps the suite inside its CI budget.
    """
    data_dir = tmp_path / "data"
    shutil.copytree(run.data_dir, data_dir, symlinks=True)
    if only_core_marts:
        with duckdb.connect(str(data_dir / "build" / "warehouse.duckdb")) as con:
            tables = con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
                [MART_SCHEMA],
            ).fetchall()
            for (name,) in tables:
                if name not in CORE_MARTS:
                    con.execute(f'DROP TABLE {MART_SCHEMA}."{name}"')
    return data_dir
