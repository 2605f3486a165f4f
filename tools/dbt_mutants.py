"""Plant measure-mapping and aggregation mutants in a copy of the project and run the figure tests.

    .venv/bin/python tools/dbt_mutants.py [--only NAME …] [--list] [--baseline]

Each mutant is one textual change to the dbt SQL (a swapped content code, `sum` → `max`, a dropped
service column, a loosened lower-bound rule, a changed rate formula). For each, the whole project is
copied to a temporary directory (the real dbt_project is never edited), the change is applied there,
and the figure oracle (tests/integration/test_figure_oracle.py) and the dbt unit tests
(tests/integration/test_dbt_unit_tests.py) run against the copy: the session fixture `sample_refresh`
builds the sample warehouse from the copy's dbt_project. A mutant is killed when pytest fails.
Results go to stdout and, as markdown, to artifacts/dbt_mutants.md. About 3 minutes per mutant.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tasks import QUIET_ENV  # noqa: E402  (tasks.py is standard library only)

PYTHON = ROOT / ".venv" / "bin" / "python"
TESTS = ("tests/integration/test_figure_oracle.py", "tests/integration/test_dbt_unit_tests.py")
MEASURES = "dbt_project/macros/labour_market_measures.sql"
PIVOTED = "dbt_project/models/intermediate/int_labour_market_pivoted.sql"
FACT = "dbt_project/models/marts/labour_market/fct_labour_market_monthly.sql"
# Not copied: the environment, outputs and caches (the copy builds its own warehouse in a temp dir).
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "data", "mutants", "artifacts", "__pycache__", ".pytest_cache", ".ruff_cache", "target", "logs"
)


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    what: str


MUTANTS = [
    Mutant(
        "swap_men_women",
        MEASURES,
        "'code': 'TYOTTOMATMIEHET', 'column': 'unemployed_men'|'code': 'TYOTTOMATNAISET', 'column': 'unemployed_women'",
        "'code': 'TYOTTOMATNAISET', 'column': 'unemployed_men'|'code': 'TYOTTOMATMIEHET', 'column': 'unemployed_women'",
        "content codes of unemployed men and women swapped",
    ),
    Mutant(
        "swap_open_new_vacancies",
        MEASURES,
        "'code': 'AVPAIKATLOPUSSA', 'column': 'open_vacancies'|'code': 'UUDETAVP', 'column': 'new_vacancies'",
        "'code': 'UUDETAVP', 'column': 'open_vacancies'|'code': 'AVPAIKATLOPUSSA', 'column': 'new_vacancies'",
        "open (end of month) and new vacancies swapped",
    ),
    Mutant(
        "swap_long_term_youth",
        MEASURES,
        "'code': 'TYOTTOMAT25', 'column': 'unemployed_under_25'|"
        "'code': 'PITKAAIKAISTYOTTOMAT', 'column': 'long_term_unemployed'",
        "'code': 'PITKAAIKAISTYOTTOMAT', 'column': 'unemployed_under_25'|"
        "'code': 'TYOTTOMAT25', 'column': 'long_term_unemployed'",
        "long-term unemployed and unemployed under 25 swapped",
    ),
    Mutant(
        "employment_area_sum_to_max",
        FACT,
        "sum(pivoted.{{ measure.column }}) as {{ measure.column }},",
        "max(pivoted.{{ measure.column }}) as {{ measure.column }},",
        "employment-area counts aggregated with max() instead of sum() over member municipalities",
    ),
    Mutant(
        "persons_in_services_drops_coaching",
        MEASURES,
        "    'in_coaching',\n",
        "",
        "in_coaching left out of persons_in_services",
    ),
    Mutant(
        "lower_bound_rule_loosened",
        PIVOTED,
        "                = count(value) filter",
        "                >= count(value) filter",
        "a count with a suppressed (NULL) cell summed over the visible cells instead of NULL",
    ),
    Mutant(
        "rate_over_jobseekers",
        FACT,
        "then round(100.0 * unemployed / nullif(labour_force, 0), 1)",
        "then round(100.0 * unemployed / nullif(jobseekers, 0), 1)",
        "employment-area unemployment rate divided by jobseekers instead of the labour force",
    ),
]


def apply(mutant: Mutant, project: Path) -> None:
    """Apply the change to the copy; each `|`-separated part must occur exactly once."""
    path = project / mutant.path
    text = path.read_text(encoding="utf-8")
    for old in mutant.old.split("|"):
        if text.count(old) != 1:
            raise SystemExit(f"{mutant.name}: {old!r} occurs {text.count(old)} times in {mutant.path}")
    # Two-phase replace so a swap does not undo itself.
    pairs = list(zip(mutant.old.split("|"), mutant.new.split("|"), strict=True))
    for i, (old, _) in enumerate(pairs):
        text = text.replace(old, f"\0MUTANT{i}\0")
    for i, (_, new) in enumerate(pairs):
        text = text.replace(f"\0MUTANT{i}\0", new)
    path.write_text(text, encoding="utf-8")


def run_one(mutant: Mutant | None, timeout: int) -> tuple[str, float, str]:
    """Copy, mutate, run the tests; return (outcome, seconds, first failure line)."""
    with tempfile.TemporaryDirectory(prefix="dbt-mutant-") as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(ROOT, project, ignore=IGNORE, symlinks=True)
        (project / "artifacts").mkdir()
        shared = ROOT.parent / "shared"
        if shared.exists():  # the tests read ../shared/realdata relative to the project root
            (Path(tmp) / "shared").symlink_to(shared)
        if mutant is not None:
            apply(mutant, project)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
        env.update(QUIET_ENV)
        started = time.monotonic()
        try:
            completed = subprocess.run(
                [str(PYTHON), "-m", "pytest", *TESTS, "-x", "-q", "-p", "no:cacheprovider", "--no-header"],
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "timeout", time.monotonic() - started, ""
        seconds = time.monotonic() - started
        failed = [line for line in completed.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        outcome = "survived" if completed.returncode == 0 else "killed"
        if completed.returncode not in (0, 1):
            outcome = f"error (pytest exit {completed.returncode})"
        return outcome, seconds, (failed[0][:200] if failed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="mutant names to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--baseline", action="store_true", help="first run the tests on an unmutated copy")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per mutant")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:36} {m.path}: {m.what}")
        return
    rows = []
    report = ROOT / "artifacts" / "dbt_mutants.md"
    report.parent.mkdir(exist_ok=True)
    for mutant in ([None] if args.baseline else []) + chosen:
        name = mutant.name if mutant else "(baseline, no mutant)"
        print(f"… {name}", flush=True)
        outcome, seconds, failure = run_one(mutant, args.timeout)
        print(f"  {outcome} in {seconds:.0f} s {failure}", flush=True)
        rows.append((name, mutant.what if mutant else "", outcome, seconds, failure))
        lines = [
            "| mutant | change | outcome | seconds | first failing test |",
            "|---|---|---|---:|---|",
            *(f"| {n} | {w} | {o} | {s:.0f} | {re.sub(r'[|]', '/', f)} |" for n, w, o, s, f in rows),
        ]
        report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mutants = [r for r in rows if r[1]]
    killed = sum(r[2] == "killed" for r in mutants)
    print(f"dbt mutants: {killed}/{len(mutants)} killed")
    if killed < len(mutants):
        sys.exit(1)


if __name__ == "__main__":
    main()
