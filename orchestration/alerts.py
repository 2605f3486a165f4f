"""Alerts for runs nobody watches: one line per problem in `<data dir>/logs/alerts.log` and a webhook.

A run-failure sensor reports failed runs (one line per failed step) and a hook on the job reports
every failed asset check (great-expectations suites and dbt tests) as its step ends. When
`TILANNEKUVA_ALERT_WEBHOOK_URL` is set each problem is also POSTed there as a short JSON message.
Webhook URLs usually embed a secret, so only the scheme and host are ever written anywhere.
Alerting never fails a run: a webhook that cannot be reached is itself logged as one line.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from dagster import (
    DagsterEventType,
    DefaultSensorStatus,
    HookContext,
    RunFailureSensorContext,
    failure_hook,
    run_failure_sensor,
    success_hook,
)

from ingestion.settings import Settings, load_settings
from orchestration.progress import error_text

ALERT_LOG = Path("logs") / "alerts.log"
WEBHOOK_TIMEOUT = (5.0, 10.0)
# Runs started by `tilannekuva refresh` alert from the CLI itself (no daemon needed); the run-failure
# sensor skips them so a failure is reported once.
ALERTED_BY_CLI_TAG = "tilannekuva/alerted_by"


@dataclass(frozen=True)
class Alert:
    """One problem: what kind, where, what happened, in which run."""

    kind: str
    subject: str
    message: str
    run_id: str | None = None
    at: str = ""

    def line(self) -> str:
        """The alert as one log line (newlines in messages folded so one problem is one line)."""
        message = " ".join(self.message.split())
        run = f" [run {self.run_id}]" if self.run_id else ""
        return f"{self.at} {self.kind.upper()} {self.subject}: {message}{run}"


def mask_url(url: str) -> str:
    """Scheme and host only: webhook paths and query strings are secrets."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}/***"


def alert_log_path(settings: Settings) -> Path:
    return settings.data_dir / ALERT_LOG


def _append(settings: Settings, line: str) -> None:
    path = alert_log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def send_alert(settings: Settings, alert: Alert) -> None:
    """Write the alert's line to the alert log and POST it to the webhook when one is configured."""
    if not alert.at:
        alert = Alert(alert.kind, alert.subject, alert.message, alert.run_id, datetime.now(UTC).isoformat())
    _append(settings, alert.line())
    if settings.alert_webhook_url is None:
        return
    webhook_url = settings.alert_webhook_url.get_secret_value()
    payload = {
        "text": f"tilannekuva: {alert.line()}",
        **asdict(alert),
        "area": settings.area,
        "mode": settings.mode,
    }
    try:
        response = requests.post(webhook_url, json=payload, timeout=WEBHOOK_TIMEOUT)
        problem = None if response.status_code < 400 else f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        # The exception text carries the full URL: keep only its kind.
        problem = exc.__class__.__name__
    if problem:
        failed = Alert(
            "alert_delivery",
            mask_url(webhook_url),
            f"webhook did not take the alert ({problem}); the line above is the alert",
            alert.run_id,
            datetime.now(UTC).isoformat(),
        )
        _append(settings, failed.line())


def run_failure_alerts(job_name: str, run_id: str, failures: list[tuple[str, str]], reason: str = "") -> list[Alert]:
    """One alert per failed step, or one for the run when no step failed (e.g. a crash at start)."""
    if not failures:
        return [Alert("run_failure", job_name, reason or "the run failed before any step ran", run_id)]
    return [Alert("run_failure", f"{job_name} step {step}", message, run_id) for step, message in failures]


@run_failure_sensor(
    name="alert_on_run_failure",
    default_status=DefaultSensorStatus.RUNNING,
    description="Writes one line per failed step to logs/alerts.log and POSTs it to the alert webhook.",
)
def alert_on_run_failure(context: RunFailureSensorContext) -> None:
    """Report a failed run of any job of this code location (skips runs the CLI already reported)."""
    run = context.dagster_run
    if run.tags.get(ALERTED_BY_CLI_TAG):
        return
    failures = []
    for event in context.get_step_failure_events():
        failures.append((event.step_key or "?", error_text(event.event_specific_data.error)))  # type: ignore[union-attr]
    settings = load_settings()
    for alert in run_failure_alerts(run.job_name, run.run_id, failures, context.failure_event.message or ""):
        send_alert(settings, alert)


def failed_check_alerts(context: HookContext) -> list[Alert]:
    """Alerts for the asset checks of this step that did not pass (read back from the event log)."""
    records = context.instance.get_records_for_run(
        run_id=context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    alerts = []
    for record in records:
        entry = record.event_log_entry
        if entry.step_key != context.step_key or entry.dagster_event is None:
            continue
        evaluation = entry.dagster_event.event_specific_data
        if evaluation is None or evaluation.passed:  # type: ignore[union-attr]
            continue
        key = evaluation.asset_check_key  # type: ignore[union-attr]
        metadata = {k: v.value for k, v in evaluation.metadata.items()}  # type: ignore[union-attr]
        detail = check_detail(metadata)
        severity = evaluation.severity.value  # type: ignore[union-attr]
        alerts.append(
            Alert(
                "check_failure", f"{key.asset_key.to_user_string()}:{key.name}", f"{severity}: {detail}", context.run_id
            )
        )
    return alerts


def check_detail(metadata: dict[str, object]) -> str:
    """A short reason from a check's metadata: the suite summary, dbt's failure count, or the fields."""
    summary = str(metadata.get("summary") or "").strip("`\n ")
    if summary:
        return summary
    if "dagster_dbt/failed_row_count" in metadata:
        return f"{metadata['dagster_dbt/failed_row_count']} failing rows (dbt test)"
    shown = {k: v for k, v in metadata.items() if isinstance(v, str | int | float) and not k.startswith("dagster")}
    return json.dumps(shown, ensure_ascii=False, default=str)[:300] or "check failed"


def _report_checks(context: HookContext) -> None:
    alerts = failed_check_alerts(context)
    if not alerts:
        return
    settings = load_settings()
    for alert in alerts:
        send_alert(settings, alert)


@success_hook(name="alert_on_failed_checks_after_success")
def alert_on_failed_checks_after_success(context: HookContext) -> None:
    """Non-blocking checks can fail while their step succeeds."""
    _report_checks(context)


@failure_hook(name="alert_on_failed_checks_after_failure")
def alert_on_failed_checks_after_failure(context: HookContext) -> None:
    """A failed blocking check fails its step; the step failure itself is the run sensor's line."""
    _report_checks(context)


CHECK_HOOKS = {alert_on_failed_checks_after_success, alert_on_failed_checks_after_failure}
