"""A nightly dbt build leaves no per-run target folder behind when it succeeded, and keeps it when it failed;
its parse state is kept for the next invocation on the same data dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestration.dbt import NIGHTLY_BUILD_ARGS, PARTIAL_PARSE, build_and_clean, parse_state_path

CONTEXT = SimpleNamespace(
    op_execution_context=SimpleNamespace(op=SimpleNamespace(name="dbt_models")),
    run=SimpleNamespace(run_id="abcdef0123"),
)


class FakeInvocation:
    def __init__(self, target_path: Path, fail: bool) -> None:
        self.target_path = target_path
        self.fail = fail

    def stream(self) -> Iterator[str]:
        yield "event"
        if self.fail:
            raise RuntimeError("dbt build failed")

    def is_successful(self) -> bool:
        return not self.fail


class FakeDbt:
    """Records what it was started with and writes what dbt writes: a manifest and the parse state."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.args: list[str] = []
        self.seeded_state: bytes | None = None
        self.invocation: FakeInvocation | None = None

    def cli(self, args: list[str], context: object, target_path: Path) -> FakeInvocation:
        self.args = args
        state = target_path / PARTIAL_PARSE
        self.seeded_state = state.read_bytes() if state.exists() else None
        (target_path / "manifest.json").write_text("{}")
        state.write_bytes(b"state after " + " ".join(args).encode())
        self.invocation = FakeInvocation(target_path, self.fail)
        return self.invocation


def _settings(tmp_path: Path) -> SimpleNamespace:
    return SimpleNamespace(build_dir=tmp_path / "build")


def test_a_successful_build_removes_its_target_folder_and_keeps_its_parse_state(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    dbt = FakeDbt()
    assert list(build_and_clean(dbt, CONTEXT, settings)) == ["event"]  # type: ignore[arg-type]
    assert dbt.args == ["build", *NIGHTLY_BUILD_ARGS]
    assert dbt.invocation is not None
    assert dbt.invocation.target_path.parent == settings.build_dir / "dbt"
    assert dbt.invocation.target_path.name.startswith("dbt_models-abcdef0-")
    assert not dbt.invocation.target_path.exists()
    assert dbt.seeded_state is None
    assert parse_state_path(settings).read_bytes() == b"state after build " + " ".join(NIGHTLY_BUILD_ARGS).encode()

    again = FakeDbt()
    list(build_and_clean(again, CONTEXT, settings))  # type: ignore[arg-type]
    assert again.seeded_state == parse_state_path(settings).read_bytes()


def test_a_failed_build_keeps_its_target_folder_for_reading_and_the_old_parse_state(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    parse_state_path(settings).parent.mkdir(parents=True)
    parse_state_path(settings).write_bytes(b"earlier state")
    dbt = FakeDbt(fail=True)
    with pytest.raises(RuntimeError):
        list(build_and_clean(dbt, CONTEXT, settings))  # type: ignore[arg-type]
    assert dbt.seeded_state == b"earlier state"
    assert dbt.invocation is not None
    assert (dbt.invocation.target_path / "manifest.json").exists()
    assert parse_state_path(settings).read_bytes() == b"earlier state"
