#!/usr/bin/env python3
"""Set up and run tilannekuva with nothing but Python 3.11+ and the package index.

    python3 tasks.py refresh   # create .venv, install the pinned runtime lock, run the sample refresh
    python3 tasks.py test      # create .venv, install the pinned dev lock, lint, check deps, run every test
    python3 tasks.py lock      # recompile both locks from pyproject.toml (maintainers)
    python3 tasks.py settings-table  # regenerate the README's configuration table from ingestion/settings.py
    python3 tasks.py faults    # the full fault-injection matrix and crash kills (docs/reliability.md)
    python3 tasks.py screenshot  # regenerate docs/report_screenshot.png for the README (after refresh)

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
    # pytest exits non-zero when no test ran (exit code 5), so a green run always ran tests.
    run(BIN / "python", "-m", "pytest", *sys.argv[2:])


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


COMMANDS = {
    "refresh": refresh,
    "test": test,
    "lock": lock,
    "setup": setup,
    "faults": faults,
    "settings-table": settings_table,
    "screenshot": screenshot,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(COMMANDS)}}} [args…]")
    COMMANDS[sys.argv[1]]()
