"""Full-flow cells: a source failing during a whole refresh, then the refresh after it recovers.

Both runs are the real CLI in live mode against the fault server, starting from a published sample
build. While Kela's CSV answers 503 on every try, the run still publishes: the Kela marts keep the last
good data, publish_info names the old landing version, and mart_data_freshness marks Kela stale with
the error. When the source answers again, the next run publishes the new version and nothing is stale.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CliRun, run_cli
from tests.faults.server import FaultServer
from tests.faults.test_exposure import SECRET, secret_leaks

pytestmark = [pytest.mark.integration, pytest.mark.full_matrix]
KELA = "kela/unemployment_benefit"


def _published(serving: Path) -> dict[str, object]:
    with duckdb.connect(str(serving), read_only=True) as con:
        rows = con.execute("SELECT dataset, mode, landing_version FROM publish_info").fetchall()
        info = {r[0]: (r[1], r[2]) for r in rows}
        [(stale, status, error)] = con.execute(
            "SELECT is_stale, last_attempt_status, last_error FROM mart_data_freshness "
            "WHERE source = 'kela' AND dataset = 'unemployment_benefit'"
        ).fetchall()
        [benefit] = con.execute(
            "SELECT count(*), sum(hash(COLUMNS(* EXCLUDE (is_sample_data)))) FROM mart_municipal_benefit_cost"
        ).fetchall()
    return {"info": info, "stale": stale, "status": status, "error": error, "benefit": benefit}


def test_a_failing_source_publishes_stale_then_recovers(
    fault_server: FaultServer, sample_refresh: CliRun, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(sample_refresh.data_dir, data_dir, symlinks=True)
    serving = data_dir / "serving" / "tilannekuva.duckdb"
    before = _published(serving)
    env = {**fault_server.env(), "TILANNEKUVA_HTTP_RETRIES": "2", "TILANNEKUVA_HTTP_BACKOFF": "0"}
    env["TILANNEKUVA_ALERT_WEBHOOK_URL"] = f"{fault_server.root}/hooks/{SECRET}"

    fault_server.disarm()
    fault_server.arm("http_503_persistent", "ckan_csv")
    try:
        failing = run_cli("refresh", data_dir=data_dir, env=env)
    finally:
        fault_server.disarm()
    assert failing.returncode == 0, failing.stdout[-3000:] + failing.stderr[-3000:]
    during = _published(serving)
    assert during["info"]["statfin/labour_market"][0] == "live", "the other sources were updated"
    assert during["info"][KELA] == before["info"][KELA], "Kela's last good (sample) version is still the one served"
    assert during["benefit"] == before["benefit"], "the Kela mart keeps the last good data"
    assert during["stale"] is True and during["status"] == "failed"
    assert "HTTP status = 503" in str(during["error"])
    assert "STALE" in failing.stdout
    assert secret_leaks(data_dir, failing.stdout, failing.stderr) == []

    recovered = run_cli("refresh", data_dir=data_dir, env=env)
    assert recovered.returncode == 0, recovered.stdout[-3000:] + recovered.stderr[-3000:]
    after = _published(serving)
    assert after["info"][KELA][0] == "live" and after["info"][KELA][1] != before["info"][KELA][1]
    assert after["stale"] is False and after["status"] == "ok"
    assert after["benefit"][0] == before["benefit"][0], "same recorded figures, now from the live version"
