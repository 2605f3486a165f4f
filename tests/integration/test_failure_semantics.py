"""What an unattended night leaves behind when something breaks, and that a rerun completes the work.

Each test works on a copy of the session's sample refresh. The sequence test breaks the data in
two ways in turn — a dbt test failure (in process, so the check hook's alert is visible) and new
data failing its great-expectations suite (through the CLI's offline `rebuild`) — and checks that
the serving file stays byte for byte, that both are alerted and shown by `status`, and that after
the operator removes the bad version a rerun rebuilds the same marts without touching the network.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, build_run_status_sensor_context

from ingestion.settings import load_settings, settings_env
from orchestration.cli import main
from orchestration.jobs import NIGHTLY_REFRESH_JOB, REBUILD_JOB
from orchestration.status import collect_status, render
from tests.conftest import CliRun, run_cli
from tests.helpers import PROJECT_ROOT

pytestmark = pytest.mark.integration

# Live mode against a closed loopback port: any network access would fail the run.
OFFLINE = {
    "TILANNEKUVA_MODE": "live",
    "TILANNEKUVA_PXWEB_BASE_URL": "http://127.0.0.1:9/PxWeb/api/v1",
    "TILANNEKUVA_CLASSIFICATION_BASE_URL": "http://127.0.0.1:9/api/classifications/v2",
}


@pytest.fixture
def data_dir(sample_refresh: CliRun, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(sample_refresh.data_dir, target, symlinks=True)
    return target


HASHED_MARTS = ("dim_area", "fct_labour_market_monthly")


def _mart_fingerprint(serving: Path) -> dict[str, object]:
    """Rows of every mart; a content hash (without the load time) of the core marts."""
    with duckdb.connect(str(serving), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        out: dict[str, object] = {}
        for name in sorted(set(names) - {"publish_info"}):
            columns = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall() if r[0] != "loaded_at"]
            quoted = ", ".join(f'"{c}"' for c in columns)
            content = f"sum(hash(({quoted})))"
            query = f'SELECT count(*), {content if name in HASHED_MARTS else "NULL"} FROM "{name}"'
            out[name] = con.execute(query).fetchone()
    return out


def _landing_listing(data_dir: Path) -> set[str]:
    return {str(p.relative_to(data_dir)) for p in (data_dir / "landing").rglob("*") if p.is_dir()}


def _tamper_latest_labour_market(data_dir: Path) -> Path:
    """A newer landed version whose first count is negative: the suite must refuse it."""
    root = data_dir / "landing" / "statfin" / "labour_market"
    good = sorted(p for p in root.iterdir() if p.is_dir() and p.suffix == "")[-1]
    bad = root / "29991231T000000000000Z"
    shutil.copytree(good, bad)
    manifest = json.loads((bad / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = bad.name
    (bad / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    first = next(bad.glob("data_*.json"))
    doc = json.loads(first.read_text(encoding="utf-8"))
    doc["value"][next(i for i, v in enumerate(doc["value"]) if v)] = -5
    first.write_text(json.dumps(doc), encoding="utf-8")
    return bad


def _run_dbt_and_publish_in_process(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    """dbt and publish only (the staged files as they are), then the run-failure sensor on the result."""
    from orchestration.alerts import alert_on_run_failure
    from orchestration.definitions import defs

    settings = load_settings(data_dir=data_dir, mode="sample")
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)
    job = defs.resolve_job_def(NIGHTLY_REFRESH_JOB)
    # The classification's dbt models and publish (the staged files as they are).
    keys = [
        AssetKey(["staging", "stg_classifications__municipality_areas"]),
        AssetKey(["marts", "dim_area"]),
        AssetKey(["serving", "tilannekuva"]),
    ]
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, asset_selection=keys, raise_on_error=False)
        if not result.success:
            failure = next(e for e in result.all_events if e.event_type == DagsterEventType.RUN_FAILURE)
            context = build_run_status_sensor_context(
                sensor_name="alert_on_run_failure",
                dagster_instance=instance,
                dagster_run=result.dagster_run,
                dagster_event=failure,
            ).for_run_failure()
            alert_on_run_failure(context)
    return result.success


def test_failures_leave_serving_whole_and_a_rerun_completes(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    serving = data_dir / "serving" / "tilannekuva.duckdb"
    before_bytes = serving.read_bytes()
    before_marts = _mart_fingerprint(serving)
    alerts = data_dir / "logs" / "alerts.log"

    # 1. A dbt test fails: a municipality twice in the staged classification.
    staged = data_dir / "staging" / "classifications" / "municipality_areas.parquet"
    frame = pd.read_parquet(staged)
    pd.concat([frame, frame.iloc[[0]]], ignore_index=True).to_parquet(staged, index=False)
    assert _run_dbt_and_publish_in_process(data_dir, monkeypatch) is False
    capsys.readouterr()
    assert serving.read_bytes() == before_bytes
    lines = alerts.read_text(encoding="utf-8").splitlines()
    checks = [line for line in lines if " CHECK_FAILURE " in line]
    runs = [line for line in lines if " RUN_FAILURE " in line]
    assert len(checks) + len(runs) == len(lines), lines
    assert any("marts/dim_area:unique_dim_area_area_code" in line for line in checks), lines
    assert [line for line in runs if f" RUN_FAILURE {NIGHTLY_REFRESH_JOB} step dbt_models: " in line], lines

    # 2. New data fails its blocking suite: quarantined, not promoted; the run fails offline.
    bad = _tamper_latest_labour_market(data_dir)
    landing_before = _landing_listing(data_dir)
    failed = run_cli("rebuild", data_dir=data_dir, env=OFFLINE)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "counts are non-negative" in failed.stderr and "Traceback" not in failed.stderr
    assert serving.read_bytes() == before_bytes
    assert (data_dir / "staging" / "_quarantine" / "statfin" / f"labour_market-{bad.name}.parquet").exists()
    lines = alerts.read_text(encoding="utf-8").splitlines()
    assert any("CHECK_FAILURE staging/statfin/labour_market:" in line for line in lines), lines
    assert any(f"RUN_FAILURE {REBUILD_JOB} step" in line and "labour_market" in line for line in lines), lines

    monkeypatch.setenv("DAGSTER_HOME", str(data_dir / "dagster_home"))
    assert main(["status", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["last_run"]["status"] == "FAILURE"
    assert any(c["check"].startswith("staging/statfin/labour_market:") for c in doc["failing_checks"])
    labour = next(d for d in doc["datasets"] if d["dataset"] == "statfin/labour_market")
    assert labour["stale"] is True and bad.name in labour["stale_reason"]

    # 3. The operator removes the bad version; the same offline rebuild completes and is idempotent.
    shutil.rmtree(bad)
    rerun = run_cli("rebuild", data_dir=data_dir, env=OFFLINE)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert _mart_fingerprint(serving) == before_marts
    assert _landing_listing(data_dir) == landing_before - {str(bad.relative_to(data_dir))}
    assert "done    staging/statfin/labour_market" in rerun.stdout
    assert "dbt " in rerun.stdout and "tables published" in rerun.stdout

    table = render(collect_status(load_settings(data_dir=data_dir, mode="sample")))
    assert "last run      SUCCESS" in table
    assert next(line for line in table.splitlines() if "statfin/labour_market" in line).endswith("current")


CRASH = textwrap.dedent(
    """
    import os, signal, sys
    import serving.publish as publish
    from ingestion.settings import load_settings

    real_export = publish.export_table
    calls = []

    def export_then_die(con, name, folder):
        calls.append(name)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_export(con, name, folder)

    publish.export_table = export_then_die
    publish.publish_serving(load_settings(data_dir=sys.argv[1], mode="sample"))
    """
)


def test_a_crash_during_publish_leaves_the_serving_file_whole(data_dir: Path) -> None:
    """The publish process is killed half-way through copying the marts; readers still see the old file."""
    serving = data_dir / "serving" / "tilannekuva.duckdb"
    before = serving.read_bytes()
    exports_before = sorted(p.name for p in (data_dir / "serving" / "exports").iterdir())
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, str(data_dir)], cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=300
    )
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()[-2000:]
    assert serving.read_bytes() == before
    assert sorted(p.name for p in (data_dir / "serving" / "exports").iterdir()) == exports_before
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM fct_labour_market_monthly").fetchone()[0] > 0

    from serving.publish import publish_serving

    published = publish_serving(load_settings(data_dir=data_dir, mode="sample"))
    assert published.tables and serving.read_bytes() != before
