"""Alerts: one line per problem in the alert log, a short JSON POST to a webhook on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from ingestion.settings import load_settings
from orchestration.alerts import Alert, alert_log_path, mask_url, run_failure_alerts, send_alert

SECRET = "T0KEN-s3cr3t"


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, object]]]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet test output."""


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[_Hook]]]:
    handler = type("Hook", (_Hook,), {"received": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/{SECRET}", handler
    server.shutdown()
    server.server_close()


def test_alert_is_one_line_and_posted_as_json(tmp_path: Path, webhook: tuple[str, type[_Hook]]) -> None:
    url, handler = webhook
    settings = load_settings(data_dir=tmp_path, alert_webhook_url=url)
    send_alert(settings, Alert("run_failure", "nightly_refresh step dbt_models", "dbt test failed:\n  unique", "r1"))
    lines = alert_log_path(settings).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("RUN_FAILURE nightly_refresh step dbt_models: dbt test failed: unique [run r1]")
    [(path, payload)] = handler.received
    assert path == f"/hooks/{SECRET}"
    assert payload["kind"] == "run_failure" and payload["run_id"] == "r1" and payload["area"] == "TA24"
    assert "dbt test failed" in str(payload["text"])


def test_unreachable_or_refusing_webhook_is_logged_masked(tmp_path: Path, webhook: tuple[str, type[_Hook]]) -> None:
    url, handler = webhook
    handler.status = 500
    settings = load_settings(data_dir=tmp_path, alert_webhook_url=url)
    send_alert(settings, Alert("check_failure", "staging/statfin/labour_market:suite", "3 rows negative"))
    dead = load_settings(data_dir=tmp_path, alert_webhook_url=f"http://127.0.0.1:9/x/{SECRET}")
    send_alert(dead, Alert("run_failure", "nightly_refresh", "crashed"))
    log = alert_log_path(settings).read_text(encoding="utf-8")
    lines = log.splitlines()
    assert len(lines) == 4, log
    assert "ALERT_DELIVERY http://127.0.0.1:" in lines[1] and "HTTP 500" in lines[1]
    assert "ConnectionError" in lines[3]
    assert SECRET not in log


def test_no_webhook_only_logs(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    send_alert(settings, Alert("run_failure", "nightly_refresh", "x"))
    assert len(alert_log_path(settings).read_text(encoding="utf-8").splitlines()) == 1


def test_mask_url_keeps_only_scheme_and_host() -> None:
    assert mask_url(f"https://hooks.example.org:8443/services/{SECRET}?token=1") == "https://hooks.example.org:8443/***"


def test_run_failure_alerts_one_per_failed_step() -> None:
    alerts = run_failure_alerts("nightly_refresh", "r", [("a", "boom"), ("b", "bang")])
    assert [a.subject for a in alerts] == ["nightly_refresh step a", "nightly_refresh step b"]
    [single] = run_failure_alerts("nightly_refresh", "r", [], "run worker crashed")
    assert single.message == "run worker crashed"
