"""`tilannekuva status`: what the operator needs to know in the morning, from files and run history.

Per dataset: the newest landed version, when it was fetched, the source's release stamp, the
latest period, the version the serving file holds, and whether the data in use is stale. Then the
last run and its outcome, the last publish and the checks whose latest evaluation failed. Read
only: the serving file is opened read-only and nothing is written.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingestion.refresh import dataset_status
from ingestion.settings import Settings


@dataclass
class DatasetStatus:
    """One dataset's state across landing, the last attempt and the serving file."""

    dataset: str
    landing_version: str | None = None
    fetched_at: str | None = None
    source_updated: str | None = None
    latest_period: str | None = None
    serving_version: str | None = None
    last_attempt: str | None = None
    last_attempt_at: str | None = None
    last_error: str | None = None
    stale: bool = True
    stale_reason: str = ""
    available: bool = False
    note: str | None = None


@dataclass
class Status:
    """Everything `tilannekuva status` shows."""

    data_dir: str
    mode: str
    datasets: list[DatasetStatus] = field(default_factory=list)
    last_run: dict[str, Any] | None = None
    last_publish: dict[str, Any] | None = None
    failing_checks: list[dict[str, Any]] = field(default_factory=list)
    alerts_log: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, default=str)


def _published(settings: Settings) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The last publish (time, mode, tables) and the landing version of each dataset in it."""
    if not settings.serving_path.exists():
        return None, {}
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        rows = con.execute("SELECT published_at, mode, dataset, landing_version FROM publish_info").fetchall()
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
            ).fetchall()
        ]
    if not rows:
        return None, {}
    info = {
        "published_at": max(r[0] for r in rows).isoformat(),
        "mode": rows[0][1],
        "serving_path": str(settings.serving_path),
        "tables": tables,
    }
    return info, {r[2]: r[3] for r in rows}


def _text(value: object) -> str | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return value.isoformat() if isinstance(value, pd.Timestamp) else str(value)


def dataset_statuses(settings: Settings, serving_versions: dict[str, str]) -> list[DatasetStatus]:
    """The pipeline's own dataset status (landing, last attempt, staleness) against the serving file."""
    out = []
    for rec in dataset_status(settings).to_dict("records"):
        name = f"{rec['source']}/{rec['dataset']}"
        row = DatasetStatus(
            name,
            landing_version=_text(rec["landing_version"]),
            fetched_at=_text(rec["fetched_at"]),
            source_updated=_text(rec["source_updated"]),
            latest_period=_text(rec["latest_period"]),
            serving_version=serving_versions.get(name),
            last_attempt=_text(rec["last_attempt_status"]),
            last_attempt_at=_text(rec["last_attempt_at"]),
            last_error=_text(rec["last_error"]),
            note=_text(rec["data_note"]),
        )
        row.available = row.landing_version is not None
        row.stale, row.stale_reason = _staleness(row, bool(rec["is_stale"]))
        out.append(row)
    return out


def _staleness(row: DatasetStatus, stale_in_pipeline: bool) -> tuple[bool, str]:
    """Stale when nothing is published, the last fetch failed, or newer landed data was not published."""
    if row.landing_version is None:
        if row.last_attempt == "disabled":
            return True, "not yet available: its source is disabled by TILANNEKUVA_SOURCES"
        if row.last_attempt == "failed":
            return True, f"not yet available: its source failed: {row.last_error or 'see manifest.jsonl'}"
        return True, "not yet available: nothing landed yet"
    if stale_in_pipeline:
        return True, f"last fetch {row.last_attempt}: {row.last_error or 'see manifest.jsonl'}"
    if row.serving_version is None:
        return True, "not in the serving file"
    if row.serving_version != row.landing_version:
        return True, f"landed {row.landing_version} not published (serving has {row.serving_version})"
    return False, ""


def _state(row: DatasetStatus) -> str:
    if not row.available:
        return f"NOT YET AVAILABLE ({row.stale_reason.removeprefix('not yet available: ')})"
    return f"STALE ({row.stale_reason})" if row.stale else "current"


def _dagster_home(settings: Settings) -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster_home")


def run_history(settings: Settings) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The last run of any job and the asset checks whose latest evaluation failed."""
    home = _dagster_home(settings)
    if not (home / "dagster.yaml").exists():
        return None, []
    from dagster import DagsterInstance

    from orchestration.alerts import check_detail
    from orchestration.definitions import defs

    # The instance of this data dir (an explicit DAGSTER_HOME wins, as for refresh).
    os.environ["DAGSTER_HOME"] = str(home)
    with DagsterInstance.get() as instance:
        records = instance.get_run_records(limit=1)
        last_run = None
        if records:
            record = records[0]
            run = record.dagster_run
            last_run = {
                "run_id": run.run_id,
                "job": run.job_name,
                "status": run.status.value,
                "started_at": _iso(record.start_time),
                "ended_at": _iso(record.end_time),
                "trigger": run.tags.get("tilannekuva/trigger")
                or ("schedule" if "dagster/schedule_name" in run.tags else "manual"),
            }
        failing = []
        for key in sorted(defs.resolve_asset_graph().asset_check_keys, key=lambda k: k.to_user_string()):
            latest = instance.get_latest_asset_check_evaluation_record(key)
            event = latest.event.dagster_event if latest and latest.event else None
            evaluation = event.event_specific_data if event else None
            if evaluation is None or getattr(evaluation, "passed", True):
                continue
            metadata = {k: v.value for k, v in evaluation.metadata.items()}  # type: ignore[union-attr]
            failing.append(
                {
                    "check": f"{key.asset_key.to_user_string()}:{key.name}",
                    "run_id": latest.run_id,
                    "at": _iso(latest.create_timestamp),
                    "detail": " ".join(check_detail(metadata).split())[:300],
                }
            )
    return last_run, failing


def _iso(timestamp: float | None) -> str | None:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds") if timestamp else None


def collect_status(settings: Settings) -> Status:
    """Gather the whole status (the run history part only when a DAGSTER_HOME exists)."""
    publish, serving_versions = _published(settings)
    status = Status(str(settings.data_dir), settings.mode, last_publish=publish)
    status.datasets = dataset_statuses(settings, serving_versions)
    status.last_run, status.failing_checks = run_history(settings)
    alerts = settings.data_dir / "logs" / "alerts.log"
    status.alerts_log = str(alerts) if alerts.exists() else None
    return status


def render(status: Status) -> str:
    """The status as a terminal table."""
    lines = [f"tilannekuva status — {status.data_dir} ({status.mode} mode)", ""]
    header = ("dataset", "landed version", "fetched", "source updated", "latest", "state")
    rows = [
        (
            d.dataset,
            d.landing_version or "–",
            (d.fetched_at or "–")[:19],
            (d.source_updated or "–")[:19],
            d.latest_period or "–",
            _state(d),
        )
        for d in status.datasets
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        lines.append("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)) + "  " + row[-1])
    notes = [f"  {d.dataset}: {d.note}" for d in status.datasets if d.note]
    if notes:
        lines += ["", "notes", *notes]
    lines.append("")
    run = status.last_run
    lines.append(
        f"last run      {run['status']}  {run['job']}  started {run['started_at']}  ended {run['ended_at'] or '–'}  "
        f"({run['trigger']}, run {run['run_id'][:8]})"
        if run
        else "last run      none recorded"
    )
    pub = status.last_publish
    lines.append(
        f"last publish  {pub['published_at']}  {pub['mode']}  {len(pub['tables'])} tables  {pub['serving_path']}"
        if pub
        else "last publish  nothing published yet"
    )
    if status.failing_checks:
        lines.append(f"failing checks ({len(status.failing_checks)}):")
        lines += [f"  {c['check']}  ({c['at']}, run {c['run_id'][:8]}): {c['detail']}" for c in status.failing_checks]
    else:
        lines.append("failing checks none")
    if status.alerts_log:
        lines.append(f"alerts        {status.alerts_log}")
    return "\n".join(lines)
