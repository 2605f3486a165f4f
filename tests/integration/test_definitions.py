"""The Dagster definitions load and the asset graph has the intended shape."""

from __future__ import annotations

from dagster import AssetKey

from orchestration.definitions import defs
from orchestration.jobs import NIGHTLY_REFRESH_JOB, NIGHTLY_REFRESH_SCHEDULE, REBUILD_JOB


def test_definitions_load_with_the_nightly_job_and_schedule() -> None:
    job = defs.resolve_job_def(NIGHTLY_REFRESH_JOB)
    schedule = defs.resolve_schedule_def(NIGHTLY_REFRESH_SCHEDULE)
    assert schedule.job_name == job.name
    assert schedule.execution_timezone == "Europe/Helsinki"


def test_asset_graph_by_layer() -> None:
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "landing/statfin/labour_market",
        "staging/statfin/labour_market",
        "landing/classifications/municipality_areas",
        "staging/classifications/municipality_areas",
        "staging/stg_statfin__labour_market",
        "marts/dim_area",
        "marts/fct_labour_market_monthly",
        "serving/tilannekuva",
    } <= keys
    dbt_staging = graph.get(AssetKey(["staging", "stg_statfin__labour_market"]))
    assert AssetKey(["staging", "statfin", "labour_market"]) in dbt_staging.parent_keys
    assert (
        AssetKey(["marts", "fct_labour_market_monthly"]) in graph.get(AssetKey(["serving", "tilannekuva"])).parent_keys
    )


def test_checks_are_blocking_and_dbt_tests_are_checks() -> None:
    graph = defs.resolve_asset_graph()
    checks = {key.to_user_string() for key in graph.asset_check_keys}
    assert "staging/statfin/labour_market:great_expectations_suite" in checks
    assert any(c.startswith("marts/fct_labour_market_monthly:") for c in checks)
    for dataset in (["statfin", "labour_market"], ["classifications", "municipality_areas"]):
        specs = list(defs.resolve_assets_def(AssetKey(["staging", *dataset])).check_specs)
        assert [(s.name, s.blocking) for s in specs] == [("great_expectations_suite", True)]


def test_duckdb_writers_share_the_warehouse_pool() -> None:
    job = defs.resolve_job_def(NIGHTLY_REFRESH_JOB)
    pools = {node.name: node.definition.pool for node in job.graph.nodes}
    assert pools["dbt_models"] == pools["serving__tilannekuva"] == "warehouse"


def test_rebuild_is_a_job_without_landing_or_housekeeping() -> None:
    """`tilannekuva rebuild` launches this job: every asset but landing and maintenance, so no network."""
    nightly = defs.resolve_job_def(NIGHTLY_REFRESH_JOB)
    rebuild = defs.resolve_job_def(REBUILD_JOB)
    everything = {key.to_user_string() for key in nightly.asset_layer.selected_asset_keys}
    rebuilt = {key.to_user_string() for key in rebuild.asset_layer.selected_asset_keys}
    assert rebuilt == {key for key in everything if key.split("/")[0] not in ("landing", "maintenance")}
    assert {"staging/statfin/labour_market", "marts/dim_area", "serving/tilannekuva"} <= rebuilt
    checks = {key.to_user_string() for key in rebuild.asset_layer.asset_graph.asset_check_keys}
    assert "staging/statfin/labour_market:great_expectations_suite" in checks
    assert rebuild.executor_def.name == nightly.executor_def.name
