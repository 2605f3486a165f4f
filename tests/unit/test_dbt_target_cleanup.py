"""A nightly dbt build leaves no per-run target folder behind when it succeeded, and keeps it when it failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.dbt import NIGHTLY_BUILD_ARGS, build_and_clean


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
    def __init__(self, target_path: Path, fail: bool = False) -> None:
        self.invocation = FakeInvocation(target_path, fail)
        self.args: list[str] = []

    def cli(self, args: list[str], context: object) -> FakeInvocation:
        self.args = args
        self.invocation.target_path.mkdir()
        (self.invocation.target_path / "manifest.json").write_text("{}")
        return self.invocation


def test_a_successful_build_removes_its_target_folder(tmp_path: Path) -> None:
    dbt = FakeDbt(tmp_path / "dbt_models-abc")
    assert list(build_and_clean(dbt, context=None)) == ["event"]  # type: ignore[arg-type]
    assert dbt.args == ["build", *NIGHTLY_BUILD_ARGS]
    assert not dbt.invocation.target_path.exists()


def test_a_failed_build_keeps_its_target_folder_for_reading(tmp_path: Path) -> None:
    dbt = FakeDbt(tmp_path / "dbt_models-abc", fail=True)
    with pytest.raises(RuntimeError):
        list(build_and_clean(dbt, context=None))  # type: ignore[arg-type]
    assert (dbt.invocation.target_path / "manifest.json").exists()
