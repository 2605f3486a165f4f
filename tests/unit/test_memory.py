"""A step's freed memory goes back to the operating system, so a refresh's resident size does not grow step by step."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.helpers import PROJECT_ROOT

PROBE = textwrap.dedent(
    """
    import sys
    from ingestion.memory import return_freed_memory, use_system_pool_for_arrow

    def rss_mib():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) // 1024

    use_system_pool_for_arrow()
    import pandas as pd
    before = rss_mib()
    # Small blocks, as a tidied JSON document and its frame leave them, with a survivor among them.
    rows = [(f"KU{i % 400:03d}", f"2026M{i % 12 + 1:02d}", i * 0.5) for i in range(1_500_000)]
    frame = pd.DataFrame(rows, columns=["area_code", "period", "value"])
    survivor = frame.iloc[::100_000].copy()
    del rows, frame
    if sys.argv[1] == "trim":
        return_freed_memory()
    print(rss_mib() - before)
    """
)


def _held_after_free(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim; elsewhere a no-op")
def test_freed_memory_is_handed_back() -> None:
    kept, trimmed = _held_after_free("keep"), _held_after_free("trim")
    assert kept > 50, f"the probe should leave freed pages mapped without a trim; it kept {kept} MiB"
    assert trimmed < kept / 2, f"after return_freed_memory {trimmed} MiB still held (without it, {kept} MiB)"
