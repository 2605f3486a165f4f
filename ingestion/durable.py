"""Renames that publish a file or folder durably: its bytes reach the disk before its new name does.

An atomic rename alone protects readers from a half-written file while the machine runs; after a
power cut the journal may hold the new name but not the data written just before it, and the file
comes back empty or short. So the content is fsynced before the rename and the directory holding the
new name after it (POSIX). Where directories cannot be opened (Windows), only the files are synced.
"""

from __future__ import annotations

import glob
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def fsync_file(path: Path) -> None:
    """Flush one file's content to disk."""
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (names created, renamed or removed in it) to disk."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Flush a file, or every file and folder under a folder (folders after their contents)."""
    if path.is_symlink() or not path.is_dir():
        if not path.is_symlink():
            fsync_file(path)
        return
    for folder, _subdirs, files in os.walk(path, topdown=False):
        for name in files:
            child = Path(folder, name)
            if not child.is_symlink():
                fsync_file(child)
        fsync_dir(Path(folder))


def replace_durably(source: Path, target: Path) -> None:
    """`os.replace(source, target)` with the content synced before and the new name synced after."""
    fsync_tree(source)
    os.replace(source, target)
    fsync_dir(Path(target).parent)


def pid_in_name(name: str) -> int | None:
    """The process id a temporary name ends with (`<name>.<pid>` or `.<name>.<pid>.tmp`), or None."""
    tail = name.removesuffix(".tmp").rpartition(".")[2]
    return int(tail) if tail.isdigit() else None


def writer_alive(pid: int) -> bool:
    """Whether another running process has this id, so a temporary file named after it may still be written.

    This process is not "another": whatever it left under its own id is from an earlier process that
    had the same id. Where a process cannot be probed without harm (Windows, whose `os.kill` ends the
    process), every writer is taken to be alive and nothing is removed.
    """
    if pid == os.getpid():
        return False
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_left_over_temps(folder: Path, pattern: str = ".*.tmp") -> list[Path]:
    """Remove the temporary files and folders (`.<name>.<pid>.tmp`) in `folder` whose writer is gone.

    A process killed between writing and renaming leaves one behind: nothing reads it, but without
    this it would keep its disk space for good. Returns what was removed.
    """
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.glob(pattern)):
        pid = pid_in_name(path.name)
        if pid is not None and writer_alive(pid):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


@contextmanager
def written_beside(path: Path) -> Iterator[Path]:
    """A temporary name beside `path` to write to, renamed over `path` durably when the block succeeds.

    Readers see the old file or the new one, never half; a failed block leaves no temporary file, and
    those that dead writers of the same file left are removed first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_left_over_temps(path.parent, f".{glob.escape(path.name)}.*.tmp")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        replace_durably(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
