"""The release sensor: refresh just the assets a new source release affects, soon after it appears.

StatFin publishes at 08:00 Finnish time; the nightly schedule would pick a release up only the next
night. Every 15 minutes the sensor reads release stamps (metadata only, see `ingestion.releases`)
and, when a dataset is newer at the source than in landing, requests a `nightly_refresh` run of
that dataset's landing and staging assets and everything downstream (dbt models, publish). The
cursor remembers the stamps already requested, and the run key makes a stamp start one run only.
"""

from __future__ import annotations

import json

from dagster import (
    AssetKey,
    AssetSelection,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from ingestion.http import make_session
from ingestion.releases import ReleaseState, poll_releases
from ingestion.settings import load_settings
from orchestration.jobs import NIGHTLY_REFRESH_JOB

POLL_SECONDS = 15 * 60


def affected_keys(context: SensorEvaluationContext, releases: list[ReleaseState]) -> list[AssetKey]:
    """Landing and staging assets of the released datasets and every asset downstream of them."""
    roots = [AssetKey(["landing", r.source, r.name]) for r in releases]
    roots += [AssetKey(["staging", r.source, r.name]) for r in releases]
    graph = context.repository_def.asset_graph  # type: ignore[union-attr]
    return sorted(AssetSelection.assets(*roots).downstream().resolve(graph), key=lambda k: k.to_user_string())


@sensor(
    name="source_release_sensor",
    job_name=NIGHTLY_REFRESH_JOB,
    minimum_interval_seconds=POLL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Polls source release stamps (metadata only) and refreshes just the affected assets.",
)
def source_release_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    """Request one run for every dataset released since its last landing (and not requested yet)."""
    settings = load_settings()
    session = make_session(settings.with_overrides(retries=2, read_timeout=30.0))
    states, problems = poll_releases(settings, session)
    for problem in problems:
        context.log.warning(f"release poll: {problem}")
    requested: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    released = [s for s in states if s.landed is not None and s.is_new and requested.get(s.dataset) != s.published]
    if not released:
        unpolled = "; ".join(str(p) for p in problems)
        never = [s.dataset for s in states if s.landed is None]
        reason = "no new releases"
        if never:
            reason += f"; nothing landed yet for {', '.join(never)} (the nightly schedule fetches it first)"
        return SkipReason(reason + (f"; could not poll: {unpolled}" if unpolled else ""))
    for state in released:
        requested[state.dataset] = state.published
    run_key = "release:" + "|".join(f"{s.dataset}@{s.published}" for s in released)
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=run_key,
                asset_selection=affected_keys(context, released),
                tags={
                    "tilannekuva/trigger": "release",
                    "tilannekuva/released": ",".join(s.dataset for s in released),
                },
            )
        ],
        cursor=json.dumps(requested, sort_keys=True),
    )
