"""Where a refresh spent its time and memory, for the refresh benchmarks (not a test).

`breakdown` reads the run's JSON-lines event log (`<data dir>/logs/last_refresh.jsonl`): process
start-up until the first event, each step of the job grouped by phase, the `timing:` messages the
staging and publish assets log (quality suite, docs, serving copy, exports) and what follows the
job, and how many events the run wrote to Dagster's run history (each a SQLite commit of its own,
asset and check events a second one in the index). `PeakSampler` polls the refresh process and its
children (dbt) for their peak resident memory (VmHWM), so the benchmark can say which process is the largest.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

TIMING_PREFIX = "timing:"
MIN_KIB = 20 * 1024  # smaller processes (helpers of the Python runtime) are not reported


def _stamp(event: dict) -> float:
    return datetime.fromisoformat(event["time"]).timestamp()


def _phase(step: str) -> str:
    if step.startswith("landing_"):
        return "download (landing)"
    if step.startswith("staging_") and "dataset_status" not in step:
        return "parse + stage (staging, incl. quality)"
    if step == "dbt_models":
        return "dbt build"
    if step.startswith("serving_"):
        return "publish"
    if step.startswith("report_"):
        return "report"
    return "other steps"


@dataclass
class Breakdown:
    """Seconds per phase, per publish/staging sub-step, and the dbt build step alone."""

    startup: float
    phases: dict[str, float]
    timings: dict[str, float]
    job: float
    after: float
    dbt_build: float | None
    wall: float
    slowest_steps: list[tuple[str, float]] = field(default_factory=list)
    spans: list[tuple[float, float, str]] = field(default_factory=list)
    events_stored: tuple[int, int] | None = None

    def step_at(self, when: float) -> str:
        """The step(s) running at epoch `when`, or where the run was outside the job."""
        running = [step for begin, end, step in self.spans if begin <= when <= end]
        if running:
            return ", ".join(running)
        if not self.spans or when < min(b for b, _, _ in self.spans):
            return "before the first step"
        return "between or after steps"

    def lines(self) -> list[str]:
        rows = [f"  {self.startup:6.2f} s  start-up, imports, definitions, run creation"]
        for phase, seconds in sorted(self.phases.items(), key=lambda kv: -kv[1]):
            rows.append(f"  {seconds:6.2f} s  {phase}")
            for name, sub in sorted(self.timings.items()):
                if name.split(".")[0] == _TIMING_PHASE.get(phase):
                    rows.append(f"  {'':6}    {sub:6.2f} s  {name}")
        rows.append(f"  {self.job:6.2f} s  job in total (steps + event log writes)")
        if self.events_stored:
            total, indexed = self.events_stored
            rows.append(f"  {'':6}    {total} events in Dagster's run history, {indexed} also in its asset index")
        rows.append(f"  {self.after:6.2f} s  after the job (summary, headline, exit)")
        if self.slowest_steps:
            rows.append("  slowest steps: " + ", ".join(f"{s} {t:.1f} s" for s, t in self.slowest_steps))
        if self.dbt_build:
            rows.append(
                f"  whole run / dbt build alone: {self.wall:.1f} / {self.dbt_build:.1f} = "
                f"{self.wall / self.dbt_build:.2f}"
            )
        return rows


_TIMING_PHASE = {"publish": "publish", "parse + stage (staging, incl. quality)": "staging"}


def events_stored(dagster_home: Path, run_id: str) -> tuple[int, int] | None:
    """Events of the run in Dagster's SQLite run history (planned ones included), and how many of them
    were written to its asset index as well; None where the history is not SQLite."""
    runs = dagster_home / "history" / "runs"
    counts = []
    for db in (runs / f"{run_id}.db", runs / "index.db"):
        if not db.exists():
            return None
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            counts.append(con.execute("SELECT count(*) FROM event_logs WHERE run_id = ?", [run_id]).fetchone()[0])
    return int(counts[0]), int(counts[1])


def breakdown(events_path: Path, started_at: float, wall: float) -> Breakdown:
    """The breakdown of one refresh whose process started at `started_at` (epoch) and took `wall` s.

    The run's events are counted in `<data dir>/dagster_home`, where the refresh keeps them by default.
    """
    events = [json.loads(line) for line in events_path.read_text(encoding="utf-8").splitlines()]
    first, last = _stamp(events[0]), _stamp(events[-1])
    starts: dict[str, float] = {}
    phases: dict[str, float] = defaultdict(float)
    steps: dict[str, float] = {}
    spans: list[tuple[float, float, str]] = []
    timings: dict[str, float] = defaultdict(float)
    for event in events:
        step = event.get("step")
        if event["event"] == "STEP_START":
            starts[step] = _stamp(event)
        elif event["event"] in ("STEP_SUCCESS", "STEP_FAILURE") and step in starts:
            seconds = _stamp(event) - starts[step]
            steps[step] = seconds
            spans.append((starts[step], _stamp(event), step))
            phases[_phase(step)] += seconds
        message = event.get("message") or ""
        if event["event"] is None and message.startswith(TIMING_PREFIX):
            for pair in message[len(TIMING_PREFIX) :].split():
                name, _, value = pair.partition("=")
                timings[name] += float(value)
    slowest = sorted(steps.items(), key=lambda kv: -kv[1])[:4]
    return Breakdown(
        startup=first - started_at,
        phases=dict(phases),
        timings=dict(timings),
        job=last - first,
        after=started_at + wall - last,
        dbt_build=steps.get("dbt_models"),
        wall=wall,
        slowest_steps=slowest,
        spans=spans,
        events_stored=events_stored(events_path.parents[1] / "dagster_home", events[0]["run_id"]),
    )


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _hwm_kib(pid: int) -> tuple[str, int] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    words = [a.decode(errors="replace") for a in argv if a]
    if any(w.endswith("dbt") for w in words):
        i = next(i for i, w in enumerate(words) if w.endswith("dbt"))
        label = "dbt " + " ".join(words[i + 1 : i + 3])
    else:
        label = "refresh process" if "orchestration.cli" in words else " ".join(w.rsplit("/", 1)[-1] for w in words[:2])
    return label, hwm


class PeakSampler:
    """Polls a process tree every `interval` s and keeps each process's peak RSS (MiB) by label.

    `when` keeps the epoch time at which each label's peak was first seen, to name the step it fell in.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval = pid, interval
        self.peaks: dict[str, float] = {}
        self.when: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            todo, seen = [self.pid], set()
            while todo:
                pid = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                found = _hwm_kib(pid)
                if found and found[1] >= MIN_KIB:
                    label, kib = found
                    if kib / 1024 > self.peaks.get(label, 0.0):
                        self.peaks[label] = kib / 1024
                        self.when[label] = time.time()
                todo += _children(pid)
            self._stop.wait(self.interval)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return self.peaks
