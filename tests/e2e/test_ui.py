"""The Dagster UI as a newcomer sees it: webserver on loopback, headless Chromium, a launched run.

`dagster dev` starts the webserver and the daemon against a temporary DAGSTER_HOME with the
project's dagster.yaml. The test asserts, in the rendered page and through the webserver's own
GraphQL API, that the asset graph lists the ingestion, dbt and publish assets; launches a
materialisation of one small asset the way the UI's "Materialize" button does and waits until the
daemon has run it; and keeps a screenshot of the asset graph under `artifacts/`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestration.jobs import NIGHTLY_REFRESH_JOB
from tests.helpers import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SMALL_ASSET = ["landing", "classifications", "municipality_areas"]
START_TIMEOUT = 240


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (CI installs Debian's chromium in .ci/run); the UI test needs it")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _graphql(base: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{base}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        doc = json.loads(response.read())
    assert "errors" not in doc, doc
    return doc["data"]


def _location_loaded(base: str) -> str | None:
    data = _graphql(
        base,
        "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
        "locationOrLoadError { __typename ... on PythonError { message } } } } } }",
    )
    entries = data["workspaceOrError"]["locationEntries"]
    for entry in entries:
        if entry["locationOrLoadError"] and entry["locationOrLoadError"]["__typename"] == "PythonError":
            pytest.fail(f"code location failed to load: {entry['locationOrLoadError']['message']}")
        if entry["loadStatus"] == "LOADED" and entry["locationOrLoadError"]:
            return str(entry["name"])
    return None


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dagster dev` on 127.0.0.1 with a fresh DAGSTER_HOME; yields the base URL."""
    root = tmp_path_factory.mktemp("ui")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
    env.update({"DAGSTER_HOME": str(home), "TILANNEKUVA_DATA_DIR": str(root / "data"), "TILANNEKUVA_MODE": "sample"})
    log = (root / "dagster_dev.log").open("w")
    dagster = Path(sys.executable).with_name("dagster")
    process = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert process.poll() is None, (root / "dagster_dev.log").read_text()
            try:
                if _location_loaded(base):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(2)
        else:
            pytest.fail(f"dagster dev did not load the code location in {START_TIMEOUT} s")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _render(chromium: str, url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=30000", *extra, url],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_asset_graph_shows_every_layer_in_the_browser(dagster_dev: str, tmp_path: Path) -> None:
    chromium = _chromium()
    # The asset list is virtualised: a tall window renders every row.
    page = _render(chromium, f"{dagster_dev}/assets", tmp_path / "profile-dom", "--window-size=1600,6000", "--dump-dom")
    assert page.returncode == 0, page.stderr[-2000:]
    dom = page.stdout
    for name in ("labour_market", "municipality_areas", "fct_labour_market_monthly", "dim_area", "tilannekuva"):
        assert name in dom, f"{name} not rendered in the asset list"

    # What clicking "Skip" on the first-visit community dialog does, so the screenshot shows the graph.
    assert _graphql(dagster_dev, "mutation { setNuxSeen }")["setNuxSeen"] is True
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "ui_asset_graph.png"
    shot.unlink(missing_ok=True)
    graph = _render(
        chromium,
        f"{dagster_dev}/asset-groups",
        tmp_path / "profile-shot",
        "--window-size=1600,1000",
        f"--screenshot={shot}",
    )
    assert graph.returncode == 0, graph.stderr[-2000:]
    assert shot.stat().st_size > 10_000, "the screenshot is (nearly) empty"

    nodes = _graphql(dagster_dev, "{ assetNodes { assetKey { path } groupName } }")["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
    assert {"landing/statfin/labour_market", "staging/statfin/labour_market"} <= keys
    assert {"marts/fct_labour_market_monthly", "marts/dim_area", "serving/tilannekuva"} <= keys


LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""


def test_a_materialisation_can_be_launched_and_runs(dagster_dev: str) -> None:
    location = _location_loaded(dagster_dev)
    params = {
        "selector": {
            "repositoryLocationName": location,
            "repositoryName": "__repository__",
            "jobName": NIGHTLY_REFRESH_JOB,
            "assetSelection": [{"path": SMALL_ASSET}],
        },
        "mode": "default",
        "runConfigData": {},
    }
    launched = _graphql(dagster_dev, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    status = None
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        run = _graphql(
            dagster_dev, "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }", {"id": run_id}
        )
        status = run["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(3)
    assert status == "SUCCESS", f"run {run_id} ended {status}"
    materialized = _graphql(
        dagster_dev,
        "query($key: AssetKeyInput!) { assetOrError(assetKey: $key) { ... on Asset { "
        "assetMaterializations(limit: 1) { runId } } } }",
        {"key": {"path": SMALL_ASSET}},
    )
    assert materialized["assetOrError"]["assetMaterializations"][0]["runId"] == run_id
