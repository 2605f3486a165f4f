"""Durable renames: the content is flushed before the rename and the new name after it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingestion import durable
from tests.helpers import finished_pid

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads which path an fd is from /proc")


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record every fsync and rename in order, by the path they act on."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fake_fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def fake_replace(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fake_fsync)
    monkeypatch.setattr(os, "replace", fake_replace)
    return events


def test_a_folder_is_flushed_file_by_file_before_its_rename_and_its_parent_after(
    tmp_path: Path, synced: list[tuple[str, str]]
) -> None:
    staged = tmp_path / "v1.partial"
    (staged / "responses").mkdir(parents=True)
    (staged / "responses" / "0001.json").write_text("{}")
    (staged / "manifest.json").write_text("{}")
    final = tmp_path / "v1"

    durable.replace_durably(staged, final)

    assert final.joinpath("manifest.json").read_text() == "{}"
    flushed_before = {path for kind, path in synced[: synced.index(("replace", str(final)))] if kind == "fsync"}
    assert {
        str(staged / "responses" / "0001.json"),
        str(staged / "manifest.json"),
        str(staged / "responses"),
        str(staged),
    } <= flushed_before
    assert synced[-1] == ("fsync", str(tmp_path)), "the folder holding the new name is flushed last"


def test_a_file_replaces_the_old_one_whole(tmp_path: Path, synced: list[tuple[str, str]]) -> None:
    target = tmp_path / "table.parquet"
    target.write_bytes(b"old")
    tmp = tmp_path / ".table.parquet.tmp"
    tmp.write_bytes(b"new")

    durable.replace_durably(tmp, target)

    assert target.read_bytes() == b"new" and not tmp.exists()
    assert synced[0][0] == "fsync" and synced[1] == ("replace", str(target))


def test_the_pid_of_a_temporary_name_and_whether_its_writer_runs() -> None:
    assert durable.pid_in_name("2026-10_20261124T060000.4242") == 4242
    assert durable.pid_in_name(".20261124T060000000000Z.v1.parquet.4242.tmp") == 4242
    assert durable.pid_in_name("2026-10_20261124T060000") is None and durable.pid_in_name(".x.parquet.tmp") is None
    assert durable.writer_alive(os.getppid()), "the process that started this one runs"
    assert not durable.writer_alive(os.getpid()), "what this process's id left is from an earlier process"


def test_a_file_written_beside_replaces_the_old_one_only_when_the_block_succeeds(tmp_path: Path) -> None:
    target = tmp_path / "staged.parquet"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), durable.written_beside(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]

    with durable.written_beside(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".staged.parquet.")
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and list(tmp_path.iterdir()) == [target]


def test_temporary_files_of_dead_writers_are_removed_and_a_running_writers_kept(tmp_path: Path) -> None:
    target = tmp_path / "staged.parquet"
    ended = finished_pid()
    dead = tmp_path / f".staged.parquet.{ended}.tmp"
    running = tmp_path / f".staged.parquet.{os.getppid()}.tmp"
    other = tmp_path / f".other.parquet.{ended}.tmp"
    (tmp_path / f".prh.{ended}.tmp").mkdir()  # a killed parse's scratch folder
    for path in (dead, running, other):
        path.write_bytes(b"left over")
    with durable.written_beside(target) as tmp:
        tmp.write_bytes(b"new")
    assert not dead.exists() and running.exists() and other.exists(), "only this file's dead temporaries go"
    assert durable.remove_left_over_temps(tmp_path) == [other, tmp_path / f".prh.{ended}.tmp"]
    assert running.exists()
