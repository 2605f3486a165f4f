"""`tilannekuva` command line: runs the same Dagster job the nightly schedule runs.

Expected failures (a wrong setting, an unreachable source, a failed check) end with one clear
sentence and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingestion.areas import employment_areas
from ingestion.durable import writer_alive
from ingestion.errors import SettingsError, SourceError, TilannekuvaError
from ingestion.http import get_checked, make_session
from ingestion.refresh import missing_core
from ingestion.settings import MODES, Settings, check_data_dir_writable, load_settings, settings_env
from orchestration.jobs import NIGHTLY_REFRESH_JOB, REBUILD_JOB

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")
PID_TAG = "tilannekuva/pid"
HOST_TAG = "tilannekuva/host"
EXIT_RUN_FAILED = 1
EXIT_BAD_SETTINGS = 2
ALAND = "TA46"  # Åland's municipalities (= region MK21): in the classification, outside the 2025 reform


def known_employment_areas(settings: Settings) -> set[str]:
    """TA codes from the latest staged classification, else from the bundled snapshot."""
    return set(employment_areas(settings.staging_dir))


def _area_count(areas: set[str]) -> str:
    """'45 mainland employment areas and Åland': the count says why there is a 46th."""
    if ALAND in areas:
        return f"{len(areas) - 1} mainland employment areas and Åland"
    return f"{len(areas)} employment areas"


def preflight(settings: Settings) -> None:
    """Check the settings against the world before starting a run: data dir, area, sources."""
    check_data_dir_writable(settings)
    areas = known_employment_areas(settings)
    if settings.area not in areas:
        raise SettingsError(
            f"Unknown employment area {settings.area!r}: the classification has {min(areas)}–{max(areas)} "
            f"({_area_count(areas)})."
        )
    if settings.is_sample:
        return
    session = make_session(settings.with_overrides(retries=1, read_timeout=20.0))
    for name, url in (
        ("TILANNEKUVA_PXWEB_BASE_URL", f"{settings.pxweb_base_url}/{settings.language}/?config"),
        ("TILANNEKUVA_CLASSIFICATION_BASE_URL", f"{settings.classification_base_url}/classifications?format=json"),
    ):
        try:
            get_checked(session, name, url)
        except SourceError as exc:
            raise SettingsError(f"{name} cannot be reached at {url} ({exc.problem}).") from exc


def release_dead_runs(instance: Any) -> list[str]:
    """Delete the CLI runs on this machine whose process is gone; that frees the concurrency slots they held.

    A refresh killed during dbt or publish (SIGKILL, out of memory, power cut) leaves its run STARTED
    with the `warehouse` pool slot claimed; with no daemon to notice, every later run would wait for
    that slot forever. Dagster's public API has no call that marks another process's run failed or
    frees its slots (the daemon's run monitoring does both, and `free_slots_after_run_end_seconds`
    in dagster.yaml frees the slots of the runs it fails). `DagsterInstance.delete_run` is public and
    frees the slots of the run it deletes (dagster-io/dagster#16772: a deleted run must not keep
    them); the run's record and event log go with it, so the caller names the run it released.
    Runs without the CLI's pid tag (launched by the daemon) are left to run monitoring.
    """
    from dagster import DagsterRunStatus, RunsFilter

    released = []
    live = RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING])
    for record in instance.get_run_records(filters=live):
        run = record.dagster_run
        pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        if not pid or not pid.isdigit() or host != socket.gethostname() or writer_alive(int(pid)):
            continue
        instance.delete_run(run.run_id)
        released.append(run.run_id)
    return released


def prepare_dagster_home(settings: Settings) -> Path:
    """Use DAGSTER_HOME if set, else `<data dir>/dagster_home` with the project's dagster.yaml."""
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _fmt(value: float | int | None, decimals: int = 0) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.{decimals}f}".replace(",", " ")


def headline(settings: Settings) -> str:
    """A few figures for the configured area from the serving file (latest month vs a year before)."""
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        rows = con.execute(
            """
            SELECT f.month, f.unemployed, f.unemployment_rate, f.open_vacancies, f.long_term_unemployed,
                   list_intersect(
                       f.lower_bound_columns,
                       ['unemployed', 'unemployment_rate', 'long_term_unemployed', 'open_vacancies']
                   ), f.is_sample_data, a.name_fi,
                   lag(f.unemployed, 12) OVER (ORDER BY f.month) AS unemployed_year_ago,
                   lag(f.unemployment_rate, 12) OVER (ORDER BY f.month) AS rate_year_ago
            FROM fct_labour_market_monthly f JOIN dim_area a USING (area_code)
            WHERE f.area_code = ? ORDER BY f.month DESC LIMIT 1
            """,
            [settings.area],
        ).fetchall()
    if not rows:
        return f"No rows for {settings.area} in {settings.serving_path}."
    month, unemployed, rate, vacancies, long_term, lower, sample, name, year_ago, rate_ago = rows[0]
    change = None if year_ago in (None, 0) or unemployed is None else 100 * (unemployed - year_ago) / year_ago
    label = "  [SAMPLE DATA — synthetic figures, not official statistics]" if sample else ""
    per_unemployed = vacancies / unemployed if vacancies is not None and unemployed else None

    def shown(value: float | int | None, column: str, decimals: int = 0) -> str:
        """The figure, marked "≥" when the fact flags it a lower bound, as the report does."""
        return ("≥ " if column in (lower or []) else "") + _fmt(value, decimals)

    return "\n".join(
        [
            f"{name} ({settings.area}), {month:%Y-%m}{label}",
            f"  unemployed jobseekers   {shown(unemployed, 'unemployed')}  ({_fmt(change, 1)} % from a year ago)",
            f"  unemployment rate       {shown(rate, 'unemployment_rate', 1)} %  (a year ago {_fmt(rate_ago, 1)} %)",
            f"  long-term unemployed    {shown(long_term, 'long_term_unemployed')}",
            f"  open vacancies          {shown(vacancies, 'open_vacancies')}"
            f"  ({shown(per_unemployed, 'open_vacancies', 2)} per unemployed)",
        ]
        + (["  ≥ marks a lower bound: some member-municipality cells are suppressed."] if lower else [])
    )


def run_refresh(settings: Settings, rebuild: bool = False, verbose: bool = False) -> int:
    """Execute the nightly refresh job (or, with `rebuild`, the rebuild job) in this process with live progress.

    The rebuild job runs everything but the landing (and housekeeping) assets: staging re-parses the
    landed files and dbt and publish rebuild from them, so nothing touches the network.
    """
    os.environ.update(settings_env(settings))
    home = prepare_dagster_home(settings)
    from dagster import DagsterEventType, DagsterInstance

    from orchestration.alerts import ALERTED_BY_CLI_TAG, run_failure_alerts, send_alert
    from orchestration.dbt_project import prepare_if_stale

    prepare_if_stale()  # the definitions are made from the dbt manifest: re-parse if a model changed
    from orchestration.definitions import defs
    from orchestration.progress import echo_to, error_text, summarise

    job = defs.resolve_job_def(REBUILD_JOB if rebuild else NIGHTLY_REFRESH_JOB)
    if rebuild:
        # Staging skips a landing version it has already staged; a rebuild re-parses every one.
        for marker in settings.staging_dir.rglob("*.parquet.landing_version"):
            marker.unlink()
    started = time.monotonic()
    action = "Rebuilding from landing (no network)" if rebuild else "Refreshing"
    print(f"{action} ({settings.mode} mode) into {settings.data_dir} …", flush=True)
    log_path = settings.data_dir / "logs" / "last_refresh.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    events_path = log_path.with_suffix(".jsonl")
    events_path.unlink(missing_ok=True)
    loggers: dict[str, object] = {"progress": {"config": {"log_path": str(events_path), "echo": True}}}
    if verbose:
        loggers["console"] = {"config": {"log_level": "INFO"}}
    # dagster-dbt echoes every dbt event to stdout: keep that in a log file; progress goes to the terminal.
    with (
        DagsterInstance.get() as instance,
        log_path.open("w", encoding="utf-8") as log,
        echo_to(sys.stdout),
        redirect_stdout(log),
    ):
        for run_id in release_dead_runs(instance):
            print(
                f"  released run {run_id}: its process died mid-run (removed from the run history, slot freed)",
                file=sys.stderr,
                flush=True,
            )
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": loggers},
            tags={
                "tilannekuva/mode": settings.mode,
                "tilannekuva/area": settings.area,
                "tilannekuva/trigger": "rebuild" if rebuild else "cli",
                ALERTED_BY_CLI_TAG: "cli",
                PID_TAG: str(os.getpid()),
                HOST_TAG: socket.gethostname(),
            },
        )
    failures = []
    for event in result.all_events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            failures.append((event.step_key or "?", error_text(event.event_specific_data.error)))  # type: ignore[union-attr]
    print("\n" + summarise(result).table())
    elapsed = time.monotonic() - started
    if failures or not result.success:
        for alert in run_failure_alerts(job.name, result.run_id, failures):
            send_alert(settings, alert)
        core = missing_core(settings)
        if core:
            # Nothing can be published without the core: that one sentence is the whole story.
            print(f"\n{core}", file=sys.stderr)
            return EXIT_RUN_FAILED
        for step, message in failures:
            print(f"\n{step}: {message}", file=sys.stderr)
        print(
            f"\n{'Rebuild' if rebuild else 'Refresh'} failed after {elapsed:.0f} s; "
            "the previous serving file (if any) is unchanged: "
            f"{settings.serving_path}. Details: {log_path}; run history: DAGSTER_HOME={home}",
            file=sys.stderr,
        )
        return EXIT_RUN_FAILED
    print(f"\nDone in {elapsed:.0f} s.")
    print(f"  serving warehouse  {settings.serving_path}  (open read-only)")
    print(f"  Parquet exports    {settings.exports_dir}")
    print(f"  monthly reports    {settings.serving_dir / 'reports'}")
    print(f"  run history        DAGSTER_HOME={home}  (dagster dev shows it)\n")
    print(headline(settings))
    return 0


def check_sources_command(settings: Settings) -> int:
    """Print the check-sources table; exit 1 when any source is unreachable or has drifted."""
    from ingestion.source_checks import check_sources, render

    label = "the bundled sample snapshot" if settings.is_sample else "the live services"
    print(f"Checking every source against {label} …", flush=True)
    results = check_sources(settings, make_session(settings.with_overrides(retries=1)))
    print(render(results))
    return 0 if all(r.ok for r in results) else EXIT_RUN_FAILED


AREA_HELP = "employment area: code or name, e.g. TA24 or 'Oulun seutu' (default: TILANNEKUVA_AREA or TA24)"


def choice(value: str) -> str:
    """Options with a fixed set of values take them in any case: `--lang FI` is `--lang fi`."""
    return value.strip().lower()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tilannekuva", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    refresh = commands.add_parser("refresh", help=f"run the {NIGHTLY_REFRESH_JOB} job now")
    refresh.add_argument("--mode", type=choice, choices=MODES, help="sample snapshot or live APIs (default: sample)")
    refresh.add_argument("--area", help=AREA_HELP)
    rebuild = commands.add_parser("rebuild", help="re-parse everything from landing and rebuild, without network")
    rebuild.add_argument("--area", help=AREA_HELP.replace("employment area", "employment area for the headline"))
    for command in (refresh, rebuild):
        command.add_argument("-v", "--verbose", action="store_true", help="also print Dagster's log (INFO)")
    status = commands.add_parser("status", help="datasets, last run, last publish and failing checks")
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    query = commands.add_parser("query", help="run one read-only SELECT against the serving file")
    query.add_argument("sql", help="e.g. \"select * from dim_area where area_code = 'TA24'\"")
    query.add_argument(
        "--format", type=choice, choices=["table", "csv", "json"], default="table", help="output (default: table)"
    )
    check = commands.add_parser(
        "check-sources", help="one small request per source: reachable, and still in the shape the pipeline reads?"
    )
    check.add_argument("--mode", type=choice, choices=MODES, help="sample snapshot or live APIs (default: sample)")
    report = commands.add_parser("report", help="write the monthly situational-picture report (HTML, optional PDF)")
    report.add_argument("--area", help=AREA_HELP)
    report.add_argument("--month", help="month as YYYY-MM (default: the latest month in the serving file)")
    report.add_argument("--lang", type=choice, default="fi", help="fi (default), sv or en; any case")
    report.add_argument("--out", type=Path, help="output file or directory (default: <data dir>/serving/reports/)")
    report.add_argument("--pdf", action="store_true", help="also print a PDF beside it with headless Chromium")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(
            flags={"area": "--area", "mode": "--mode"},
            mode=getattr(args, "mode", None),
            area=getattr(args, "area", None),
        )
        if args.command == "refresh":
            preflight(settings)
            return run_refresh(settings, verbose=args.verbose)
        if args.command == "rebuild":
            check_data_dir_writable(settings)
            return run_refresh(settings, rebuild=True, verbose=args.verbose)
        if args.command == "check-sources":
            return check_sources_command(settings)
        if args.command == "status":
            from orchestration.dbt_project import prepare_if_stale
            from orchestration.status import collect_status, render

            prepare_if_stale()  # status reads the asset checks from the definitions

            current = collect_status(settings)
            print(current.to_json() if args.json else render(current))
            return 0
        if args.command == "query":
            from serving.query import query_command

            return query_command(settings.serving_path, args.sql, args.format)
        if args.command == "report":
            from serving.report.render import report_command

            return report_command(settings, args.month, args.lang, args.out, args.pdf)
    except TilannekuvaError as exc:
        print(f"tilannekuva: {exc}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    return EXIT_BAD_SETTINGS


if __name__ == "__main__":
    sys.exit(main())
