#!/usr/bin/env python3
"""Set up and run tilannekuva with nothing but Python 3.11+ and the package index.

    python3 tasks.py refresh   # create .venv, install the pinned runtime lock, run the sample refresh
    python3 tasks.py test      # create .venv, install the pinned dev lock, lint, check deps, run every test
    python3 tasks.py lock      # recompile both locks from pyproject.toml (maintainers)
    python3 tasks.py settings-table  # regenerate the README's configuration table from ingestion/settings.py
    python3 tasks.py faults    # the full fault-injection matrix and crash kills (docs/reliability.md)
    python3 tasks.py screenshot  # regenerate docs/report_screenshot.png for the README (after refresh)
    python3 tasks.py mutation  # mutation scores (mutmut + planted dbt mutants); artifacts/mutation_report.md

Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
UV_VERSION = "0.13.9"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# A municipal data system should not phone home: telemetry off for every tool.
QUIET_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "False",
    "DO_NOT_TRACK": "1",
}


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the project root; stop with its exit code when it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **QUIET_ENV, **(env or {})})
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def setup(dev: bool = False) -> None:
    """Create .venv and install exactly the locked versions (skipped when the lock is unchanged).

    The dev lock pins the same runtime versions plus the test tools, so a dev install also serves
    the runtime commands and they do not reinstall anything.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under whatever python3 the user has
        sys.exit(f"tilannekuva needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    stamp = VENV / ".lock-sha256"
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    digests = {lock: hashlib.sha256(lock.read_bytes() + pyproject).hexdigest() for lock in (LOCK, DEV_LOCK)}
    installed = stamp.read_text() if stamp.exists() else ""
    if installed == digests[DEV_LOCK] or (not dev and installed == digests[LOCK]):
        return
    lock = DEV_LOCK if dev else LOCK
    if not (BIN / "python").exists():
        print(f"Creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    python = BIN / "python"
    run(python, "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
    uv_env = {"VIRTUAL_ENV": str(VENV)}
    try:
        # Bytecode compiled at install: a process that cannot write __pycache__ (PYTHONDONTWRITEBYTECODE,
        # a read-only install) would otherwise recompile Dagster, dbt and pandas on every start (~12 s).
        run(BIN / "uv", "pip", "sync", "--quiet", "--compile-bytecode", lock, env=uv_env)
        run(BIN / "uv", "pip", "install", "--quiet", "--no-deps", "-e", ".", env=uv_env)
    except SystemExit:
        print("uv could not install the lock; falling back to pip.", flush=True)
        run(python, "-m", "pip", "install", "--quiet", "-r", lock)
        run(python, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
    # Build time, as dagster-dbt documents it: parse the dbt project into dbt_project/target/manifest.json
    # (no `dbt deps`: the project has no packages). The CLI re-parses later only when a model changes.
    run(BIN / "dagster-dbt", "project", "prepare-and-package", "--file", ROOT / "orchestration" / "dbt_project.py")
    stamp.write_text(digests[lock])


def refresh() -> None:
    """The main job on the bundled sample snapshot into the embedded DuckDB warehouse."""
    setup()
    run(BIN / "tilannekuva", "refresh", *sys.argv[2:])


def test() -> None:
    """Everything CI checks: lint, format, declared dependencies, SQL lint, then the whole pytest suite."""
    setup(dev=True)
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "deptry", ".")
    run(BIN / "sqlfluff", "lint", "--processes", "2", "dbt_project/models", "dbt_project/tests", "dbt_project/macros")
    # One worker per core, each taking whole test files (their module fixtures build warehouses), in
    # the order tests/conftest.py gives (whole-refresh files first), not xdist's most-tests-first.
    # pytest exits non-zero when no test ran (exit code 5), so a green run always ran tests.
    run(BIN / "python", "-m", "pytest", "-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder", *sys.argv[2:])


def faults() -> None:
    """Every fault on every source, SIGKILLs in every phase, exposure checks; writes artifacts/fault_matrix.md."""
    setup(dev=True)
    run(BIN / "python", "-m", "pytest", "tests/faults", "-m", "full_matrix or not full_matrix", "-s", *sys.argv[2:])


def lock() -> None:
    """Recompile both locks from pyproject.toml: exact versions only, no index URLs or host names.

    The dev lock is constrained by the runtime lock, so both pin the same runtime versions.
    """
    setup(dev=True)
    common = ["--python-version", "3.11", "--no-emit-index-url", "--no-emit-find-links", "--quiet"]
    run(BIN / "uv", "pip", "compile", "pyproject.toml", *common, "-o", LOCK.name)
    run(
        BIN / "uv", "pip", "compile", "pyproject.toml", "--extra", "dev", "--constraint", LOCK.name,
        *common, "-o", DEV_LOCK.name,
    )  # fmt: skip


def settings_table() -> None:
    """Regenerate the README's configuration table from the declarations in ingestion/settings.py."""
    setup()
    run(BIN / "python", "-m", "ingestion.settings")


def screenshot() -> None:
    """The README's report screenshot: TA24's Finnish report, first screen, from the refreshed ./data."""
    setup()
    run(BIN / "python", "tools/report_screenshot.py", *sys.argv[2:])


# Mutation testing (not part of `test`): mutmut mutant-name patterns per module group, each run
# against the fast unit tests listed under [tool.mutmut] in pyproject.toml. Scope, narrowed so that a
# run fits in well under an hour on two shared cores:
# - only the functions that parse a source or work out figures (not HTTP, landing, file moves, or the
#   process plumbing of the PRH dump), and the report's number/period wording;
# - no mutants of `raise` statements (do_not_mutate_patterns in pyproject.toml): an error's wording;
# - a fixed sample per group (MUTATION_SAMPLE): the mutants whose number ends in the given digits.
def _functions(module: str, *names: str) -> list[str]:
    return [f"{module}.x_{name}__mutmut_*" for name in names]


MUTATION_GROUPS = {
    "parsers": [
        "ingestion.jsonstat.*",
        *_functions(
            "ingestion.pxweb",
            "parse_metadata", "_chunks", "plan_queries", "check_answer", "periods_from", "_iso_updated",
            "_pxweb_long", "tidy_pxweb_table", "_years", "parse_age_group", "_check_working_age_bounds",
            "tidy_population", "tidy_population_key_figures", "tidy_occupations", "tidy_business_dynamics",
        ),
        *_functions(
            "ingestion.kela",
            "_data_resource", "read_descriptor", "_decode", "_numbers", "read_csv", "map_fields", "_expectation",
            "_text", "_months", "_one_level", "tidy_benefit",
        ),
    ],
    # PRH on its own since its dump is parsed by DuckDB (the company rules as SQL text in prh.sql, checked
    # against the reference path of prh.records); the unpacking guards in prh.archive
    "prh": [
        *_functions("ingestion.prh.parse", "_with_constants", "_situations", "parse_dump", "unknown_code_sets"),
        *_functions("ingestion.prh.archive", "_unsafe_member", "json_member", "scan_depth", "_top_level_cut"),
        "ingestion.prh.sql.*",
        "ingestion.prh.records.*",
        *_functions("ingestion.prh.forms", "parse_company_forms"),
    ],
    "staging": ["ingestion.staging.*"],
    "quality": ["quality.suites.*", "quality.runner.*"],
    "serving": _functions(
        "serving.report.text",
        "check_language", "format_number", "format_month", "format_short_month", "format_period",
        "format_timestamp", "format_day", "_compare",
    ),
}  # fmt: skip
# Last digits of the mutant numbers run per group ("" = every mutant): 1 in 5 for the parsers, 1 in 20
# for the quality suites (each of their mutants runs great-expectations validations, seconds apiece).
MUTATION_SAMPLE = {"parsers": "[05]", "prh": "[05]", "staging": "", "quality": "[02468]0", "serving": "[02468]"}
MUTMUT_STATUS = {
    **{1: "killed", 3: "killed", 0: "survived", 33: "no tests", 5: "no tests"},
    **{36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"},
}
MUTATION_RESULTS = ROOT / "artifacts" / "mutation_results.json"
MUTATION_EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.toml"


def _mutation_patterns(group: str) -> list[str]:
    return [p + (f"*{MUTATION_SAMPLE[group]}" if MUTATION_SAMPLE[group] else "") for p in MUTATION_GROUPS[group]]


def _mutation_table(results: dict[str, dict], equivalents: dict[str, str]) -> list[str]:
    """The score table: one row per module and one per group, from the per-group results."""
    rows = [
        "| group | module | mutants | killed | survived | of them equivalent | timeout | no tests | not checked"
        " | score % | score without equivalents % | minutes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for group in [g for g in MUTATION_GROUPS if g in results]:
        status = results[group]["status"]
        modules = sorted({n.rsplit(".", 1)[0] for n in status})
        for module in [*modules, f"**{group}**"]:
            names = [n for n in status if module.startswith("**") or n.rsplit(".", 1)[0] == module]
            mine = [status[n] for n in names]
            killed, survived, timeout, untested = (mine.count(s) for s in ("killed", "survived", "timeout", "no tests"))
            equivalent = sum(status[n] == "survived" and n in equivalents for n in names)
            decided = killed + survived + timeout
            score = f"{100 * (killed + timeout) / decided:.1f}" if decided else "–"
            real = f"{100 * (killed + timeout) / (decided - equivalent):.1f}" if decided > equivalent else "–"
            took = results[group]["minutes"], results[group].get("rerun_minutes")
            minutes = f"{took[0]:.0f}" + (f" + {took[1]:.0f}" if took[1] else "") if module.startswith("**") else ""
            rows.append(
                f"| {group} | {module} | {len(mine)} | {killed} | {survived} | {equivalent} | {timeout} | {untested}"
                f" | {len(mine) - decided - untested} | {score} | {real} | {minutes} |"
            )
    return rows


def mutation() -> None:
    """Mutation scores: mutmut per module group, then the planted dbt mutants; artifacts/mutation_report.md.

    `python3 tasks.py mutation [group[:rerun|:survivors] …] [--no-dbt] [--dbt-only] [--report-only]`; groups:
    parsers, prh, staging, quality, serving. Each group's results are kept in artifacts/mutation_results.json, so
    groups can be run one at a time; `group:rerun` runs the group's stored survivors and unchecked mutants
    again (after adding tests, or a stopped run), `group:survivors` only its survivors; --report-only rereads
    the named groups from mutants/ (after a stopped run; none named: none reread) and rewrites the report.
    Outside the default test run: it takes tens of minutes on two shared cores.
    """
    import fnmatch
    import json
    import shutil
    import time
    import tomllib

    setup(dev=True)
    args = sys.argv[2:]
    realdata = ROOT.parent / "shared" / "realdata"
    env = {"REALDATA_DIR": str(realdata)} if realdata.is_dir() else {}
    report = ROOT / "artifacts" / "mutation_report.md"
    report.parent.mkdir(exist_ok=True)
    results = json.loads(MUTATION_RESULTS.read_text(encoding="utf-8")) if MUTATION_RESULTS.exists() else {}
    equivalents = tomllib.loads(MUTATION_EQUIVALENTS.read_text(encoding="utf-8")).get("equivalent", {})
    # mutant-name patterns per group named: GROUP runs its sample afresh, GROUP:rerun only the mutants its
    # stored results list as survived or not checked (after new tests, or a stopped run), GROUP:survivors
    # only the survivors
    selected: dict[str, list[str]] = {}
    for arg in args:
        group, _, mode = arg.partition(":")
        if group in MUTATION_GROUPS and mode in ("", "rerun", "survivors"):
            again = ("survived",) if mode == "survivors" else ("survived", "not checked")
            stored = results.get(group, {}).get("status", {}) if mode else {}
            selected[arg] = [n for n, s in stored.items() if s in again] if mode else _mutation_patterns(group)
            selected[arg] = [n for n in selected[arg] if n not in equivalents]  # rerunning them would change nothing
    if not selected and "--report-only" not in args:  # --report-only alone rewrites the report from the results
        selected = {g: _mutation_patterns(g) for g in MUTATION_GROUPS}
    selected = {a: p for a, p in selected.items() if p}  # a rerun with nothing left to rerun
    if "--dbt-only" not in args and selected:
        patterns = [p for g in selected.values() for p in g]
        started = time.monotonic()
        if "--report-only" not in args:
            shutil.rmtree(ROOT / "mutants", ignore_errors=True)  # no stale results from an earlier run
            mutmut = subprocess.run(
                [str(BIN / "mutmut"), "run", "--max-children", "2", *patterns],
                cwd=ROOT,
                env={**os.environ, **QUIET_ENV, **env},
                check=False,
            )
            if mutmut.returncode != 0:
                print(f"mutmut exited with {mutmut.returncode}", flush=True)
        status: dict[str, str] = {}
        for meta in (ROOT / "mutants").rglob("*.meta"):
            for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
                if any(fnmatch.fnmatch(name, p) for p in patterns):
                    status[name] = "not checked" if code is None else MUTMUT_STATUS.get(code, f"other ({code})")
        minutes = (time.monotonic() - started) / 60
        for arg, wanted in selected.items():
            group, _, mode = arg.partition(":")
            mine = {n: s for n, s in sorted(status.items()) if any(fnmatch.fnmatch(n, p) for p in wanted)}
            if not mine:
                continue
            took = minutes * len(mine) / len(status)  # a shared run's wall time, split by mutant count
            if mode:  # the rerun mutants' new results replace their old ones (a stopped rerun's unchecked do not)
                kept = results[group]
                mine = {n: s for n, s in mine.items() if s != "not checked" or kept["status"].get(n, s) == s}
                kept["status"] = dict(sorted({**kept["status"], **mine}.items()))
                if "--report-only" not in args:
                    kept["rerun_minutes"] = kept.get("rerun_minutes", 0.0) + took
            else:  # --report-only after a stopped run keeps the minutes stored (none: 0)
                took = results.get(group, {}).get("minutes", 0.0) if "--report-only" in args else took
                results[group] = {"minutes": took, "patterns": wanted, "status": mine}
        MUTATION_RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = _mutation_table(results, equivalents)
    print("\n".join(rows))
    survivors = sorted(n for g in results.values() for n, s in g["status"].items() if s == "survived")
    lines = [
        "# Mutation report",
        "",
        f"Generated by `python3 tasks.py mutation {' '.join(args)}`; each group's numbers are from its last run.",
        "",
        "## Python (mutmut)",
        "",
        "Scope (tasks.py, MUTATION_GROUPS / MUTATION_SAMPLE): the functions that parse a source or work out",
        "figures, the staging procedure, the quality suites and the report's number/period wording; no",
        "mutants of `raise` statements; a fixed sample per group, the mutants whose number ends in:",
        "",
        *(f"- {g}: {MUTATION_SAMPLE[g] or 'every mutant'}" for g in MUTATION_GROUPS),
        "",
        "score = (killed + timeout) / (killed + survived + timeout); the score without equivalents leaves out the",
        "survivors judged equivalent (below); *no tests* = no selected unit test calls the function; *not checked*",
        "= the run was stopped before it; minutes = wall time of the group's run on two shared cores (+ a rerun of",
        "its survivors and unchecked mutants after tests were added).",
        "",
        *rows,
        "",
        f"### Survivors judged equivalent: {sum(n in equivalents for n in survivors)} (mutation_equivalents.toml)",
        "",
        *(f"- `{n}`: {equivalents[n]}" for n in survivors if n in equivalents),
        "",
        "### Other survivors (`.venv/bin/mutmut show NAME` shows the diff)",
        "",
        *(f"- `{n}`" for n in survivors if n not in equivalents),
        "",
    ]
    if "--no-dbt" not in args:
        dbt = subprocess.run([str(BIN / "python"), "tools/dbt_mutants.py"], cwd=ROOT, check=False)
        if dbt.returncode != 0:
            print("some dbt mutants survived", flush=True)
    dbt_table = ROOT / "artifacts" / "dbt_mutants.md"
    if dbt_table.exists():
        lines += ["## dbt mutants (tools/dbt_mutants.py)", "", dbt_table.read_text(encoding="utf-8")]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {report.relative_to(ROOT)}")


COMMANDS = {
    "refresh": refresh,
    "test": test,
    "lock": lock,
    "setup": setup,
    "faults": faults,
    "settings-table": settings_table,
    "screenshot": screenshot,
    "mutation": mutation,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(COMMANDS)}}} [args…]")
    COMMANDS[sys.argv[1]]()
