"""Progress for people and structured logs for machines, from the run's own Dagster events.

The `progress` logger is one of the code location's default loggers but only runs when a run's
config names it (the CLI does); runs from the daemon or the UI keep Dagster's console logger. It
echoes one line per source asset and per dbt model as they finish and writes every event as one
JSON line to a log file, so the terminal stays quiet while the log keeps everything.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from dagster import DagsterEventType, ExecuteInProcessResult, Failure, Field, InitLoggerContext, logger

_echo_stream: list[TextIO] = []


@contextmanager
def echo_to(stream: TextIO) -> Iterator[None]:
    """Send progress lines to `stream` (the terminal) while stdout itself is redirected to a log."""
    _echo_stream.append(stream)
    try:
        yield
    finally:
        _echo_stream.pop()


def error_text(error: Any) -> str:
    """The innermost cause of a Dagster step error: the user's own message, not the framework's wrapper."""
    if error is None:
        return "failed"
    while getattr(error, "cause", None) is not None and "DagsterExecutionStepExecutionError" in error.message:
        error = error.cause
    return error.message.strip().removeprefix(f"{Failure.__module__}.{Failure.__name__}: ")


def _progress_line(event: Any) -> str | None:
    """The terminal line for one Dagster event, or None for events that stay in the log only."""
    kind = event.event_type
    if kind == DagsterEventType.ASSET_MATERIALIZATION:
        materialization = event.event_specific_data.materialization
        key = materialization.asset_key.to_user_string()
        meta = {k: v.value for k, v in materialization.metadata.items()}
        source_asset = len(materialization.asset_key.path) == 3
        if source_asset and meta.get("status") == "not_available":
            detail = f"not yet available ({meta.get('reason') or 'no good version'})"
        elif source_asset and meta.get("not_yet_available"):
            detail = "0 rows (not yet available: empty file)"
        elif source_asset and key.startswith("landing/"):
            detail = f"{meta.get('responses', '?')} responses, source updated {meta.get('source_updated') or '–'}"
        elif source_asset and key.startswith("staging/"):
            detail = f"{meta.get('rows', '?')} rows" + (" (unchanged)" if meta.get("unchanged") else "")
        elif "tables" in meta:
            detail = f"{len(meta['tables'])} tables"
        elif materialization.asset_key.path[0] in ("staging", "intermediate", "marts"):
            detail = "dbt model"
        else:
            detail = ""
        return f"  done    {key:<48} {detail}"
    if kind == DagsterEventType.ASSET_CHECK_EVALUATION:
        evaluation = event.event_specific_data
        if evaluation.passed:
            return None
        key = evaluation.asset_check_key
        return f"  CHECK   {key.asset_key.to_user_string()}:{key.name} failed"
    if kind == DagsterEventType.STEP_START and event.step_key and "dbt" in event.step_key:
        return "  running dbt build (models, tests) …"
    if kind == DagsterEventType.STEP_FAILURE:
        first = error_text(event.event_specific_data.error).splitlines()
        return f"  FAILED  {event.step_key}: {first[0] if first else 'failed'}"
    return None


class ProgressHandler(logging.Handler):
    """Echo progress lines and append every record to a JSON-lines log."""

    def __init__(self, log_path: str | None, echo: bool) -> None:
        super().__init__(logging.DEBUG)
        self.log_path = log_path
        self.echo = echo

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_event", None)
        meta = getattr(record, "dagster_meta", {}) or {}
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "run_id": meta.get("run_id"),
            "step": meta.get("step_key"),
            "event": event.event_type_value if event is not None else None,
            "message": meta.get("orig_message", record.getMessage()),
        }
        if event is not None and getattr(event, "asset_key", None) is not None:
            entry["asset"] = event.asset_key.to_user_string()
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        if self.echo and event is not None:
            line = _progress_line(event)
            if line:
                stream = _echo_stream[-1] if _echo_stream else sys.stderr
                print(line, file=stream, flush=True)


@logger(
    config_schema={
        "log_path": Field(str, is_required=False, description="JSON-lines file for every event"),
        "echo": Field(bool, default_value=True, description="print progress lines"),
    },
    description="Progress lines per source and dbt model, and every event as JSON lines.",
)
def progress_logger(init_context: InitLoggerContext) -> logging.Logger:
    config = init_context.logger_config or {}
    log = logging.Logger("tilannekuva.progress", level=logging.DEBUG)
    log.addHandler(ProgressHandler(config.get("log_path"), bool(config.get("echo", True))))
    return log


@dataclass
class SummaryRow:
    """One row of the end-of-run table."""

    what: str
    result: str
    detail: str = ""


@dataclass
class RunSummary:
    rows: list[SummaryRow] = field(default_factory=list)

    def table(self) -> str:
        width = max([len(r.what) for r in self.rows] + [5])
        lines = [f"  {'asset':<{width}}  {'result':<8}  detail"]
        lines += [f"  {r.what:<{width}}  {r.result:<8}  {r.detail}".rstrip() for r in self.rows]
        return "\n".join(lines)


DBT_STEP = "dbt_models"  # the step of the dbt asset (orchestration.dbt.dbt_models)


def summarise(result: ExecuteInProcessResult) -> RunSummary:
    """Per source asset and publish one row; dbt models and tests collapsed into one row."""
    checks: dict[str, list[bool]] = {}
    for evaluation in result.get_asset_check_evaluations():
        checks.setdefault(evaluation.asset_check_key.asset_key.to_user_string(), []).append(evaluation.passed)
    sources: list[SummaryRow] = []
    serving: list[SummaryRow] = []
    dbt_models = 0
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization  # type: ignore[union-attr]
        key = materialization.asset_key.to_user_string()
        meta = {k: v.value for k, v in materialization.metadata.items()}
        path = materialization.asset_key.path
        if path[0] == "landing" and len(path) == 3:
            status = meta.get("status", "ok")
            word = "STALE" if status in ("failed", "disabled") else "ok"
            if status == "not_available":
                word = "NOT YET"
                sources.append(SummaryRow(key, word, f"not yet available: {meta.get('reason', '')}; marts lack it"))
            elif status == "unchanged":
                sources.append(SummaryRow(key, word, "unchanged at the source, nothing downloaded"))
            elif word == "STALE":
                sources.append(SummaryRow(key, word, f"{status}: last good version {meta.get('version', '?')} kept"))
            else:
                sources.append(SummaryRow(key, word, f"{meta.get('responses', '?')} responses"))
        elif path[0] == "staging" and len(path) == 3:
            passed = checks.get(key, [])
            if meta.get("not_yet_available"):
                sources.append(SummaryRow(key, "NOT YET", "empty file of the declared schema"))
                continue
            sources.append(
                SummaryRow(key, "ok", f"{meta.get('rows', '?')} rows, {sum(passed)}/{len(passed)} checks passed")
            )
        elif path[0] == "serving":
            serving.append(SummaryRow(key, "ok", f"{len(meta.get('tables', {}))} tables published"))
        elif path[0] == "maintenance":
            serving.append(SummaryRow(key, "ok", f"keep {meta.get('keep', '?')} landing versions"))
        elif path[0] == "report":
            files = len(meta.get("paths", []))
            serving.append(SummaryRow(key, "ok", f"{files} files, {meta.get('area', '?')} {meta.get('month', '?')}"))
        else:
            dbt_models += 1
    problems: list[SummaryRow] = []
    failed_steps = {e.step_key or "?" for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE}
    # With no failure, a skipped step means the dbt asset kept the warehouse: nothing changed.
    skip_reason = "an upstream step failed" if failed_steps else "nothing changed, serving file kept"
    for event in result.all_events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            problems.append(SummaryRow(event.step_key or "?", "FAILED", "see the message below"))
        elif event.event_type == DagsterEventType.STEP_SKIPPED:
            problems.append(SummaryRow(event.step_key or "?", "skipped", skip_reason))
    dbt: list[SummaryRow] = []
    source_keys = {r.what for r in sources}
    dbt_checks = [p for key, values in checks.items() if key not in source_keys for p in values]
    if dbt_models or dbt_checks:
        failed = len(dbt_checks) - sum(dbt_checks)
        detail = f"{dbt_models} models, {sum(dbt_checks)} tests passed" + (f", {failed} FAILED" if failed else "")
        broken = failed or any("dbt" in step for step in failed_steps)
        dbt.append(SummaryRow("dbt", "FAILED" if broken else "ok", detail))
    elif not failed_steps and any(
        e.event_type == DagsterEventType.STEP_SUCCESS and e.step_key == DBT_STEP for e in result.all_events
    ):
        dbt.append(SummaryRow("dbt", "kept", "nothing changed, warehouse kept (no build)"))
    return RunSummary(sources + dbt + serving + problems)
