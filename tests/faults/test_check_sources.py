"""`tilannekuva check-sources` against a real HTTP server on loopback that answers in the sources' real shapes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ingestion.http import make_session
from ingestion.source_checks import CheckResult, check_sources, render
from orchestration.cli import check_sources_command
from tests.faults.conftest import live_settings
from tests.faults.server import FaultServer


def _rows(server: FaultServer, data_dir: Path) -> list[CheckResult]:
    settings = live_settings(server, data_dir, retries=1)
    return check_sources(settings, make_session(settings))


def test_every_source_answers_in_the_expected_shape(armed_server: FaultServer, tmp_path: Path) -> None:
    before = len(armed_server.log)
    rows = _rows(armed_server, tmp_path / "data")
    assert [r for r in rows if not r.ok] == []
    assert {r.source for r in rows} == {
        "Statistics Finland PxWeb",
        "Statistics Finland classification service",
        "avoindata.fi CKAN",
        "prh",
    }
    # one small request per check: nothing is downloaded in bulk
    sent = armed_server.log[before:]
    assert len(sent) == len(rows)
    assert all(route not in ("prh_zip", "ckan_csv") for route, *_ in sent)
    assert "every source answered as expected." in render(rows)


@pytest.mark.parametrize(
    ("route", "fault", "endpoint_part", "skipped"),
    [
        ("px_meta", "drift_renamed", "12r5.px", "POST 1 cell"),
        ("class_list", "drift_missing", "correspondenceTables?format=json", "maps?"),
        ("ckan_package", "drift_missing", "package_show", "package.json"),
        ("prh_api", "invalid_body", "/companies", None),
    ],
)
def test_a_drifted_answer_is_named_and_what_needs_it_is_skipped(
    armed_server: FaultServer, tmp_path: Path, route: str, fault: str, endpoint_part: str, skipped: str | None
) -> None:
    armed_server.arm(fault, route)
    rows = _rows(armed_server, tmp_path / "data")
    drifted = [r for r in rows if r.reachable and r.shape_ok is False]
    assert len(drifted) == 1, render(rows)
    assert endpoint_part in drifted[0].endpoint
    assert drifted[0].difference  # the one-sentence SourceError naming source, field and value
    if skipped:
        waiting = next(r for r in rows if skipped in r.endpoint)
        assert waiting.reachable is None and waiting.difference.startswith("skipped: needs")
    assert sum(r.ok for r in rows) == len(rows) - 1 - (1 if skipped else 0)


def test_an_unreachable_source_is_reported_not_raised(armed_server: FaultServer, tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/data/api/3/action"
    settings = live_settings(armed_server, tmp_path / "data", retries=0, kela_base_url=dead)
    rows = check_sources(settings, make_session(settings))
    kela = [r for r in rows if r.source == "avoindata.fi CKAN"]
    assert kela[0].reachable is False and "cannot connect" in kela[0].difference
    assert kela[1].difference == "skipped: needs kela/package"
    assert all(r.ok for r in rows if r.source != "avoindata.fi CKAN")


def test_the_command_exits_1_on_drift_and_0_when_all_is_well(
    armed_server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = live_settings(armed_server, tmp_path / "data", retries=1)
    assert check_sources_command(settings) == 0
    armed_server.arm("unknown_codes", "px_data")
    assert check_sources_command(settings) == 1
    out = capsys.readouterr().out
    assert "1 of 11 checks differ." in out
