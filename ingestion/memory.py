"""Give the memory a finished step freed back to the operating system.

A refresh runs its steps in one process. Tidying a landed file and validating the frame allocate
hundreds of MB, much of it in small blocks; once freed, glibc keeps those pages, so the process's
resident size only grew from step to step (1.0 GB held after staging on the sample, measured with
`bench/refresh_benchmark.py`). `malloc_trim` hands them back, as Dask's workers do.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from functools import cache
from typing import Any

import pyarrow


@cache
def _malloc_trim() -> Any:
    """glibc's `malloc_trim`, or None where there is none (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def use_system_pool_for_arrow() -> None:
    """Allocate Arrow's buffers (pandas' string columns among them) with the system allocator, which
    `return_freed_memory` can trim; Arrow's own pool (mimalloc) kept 50-350 MB more after a staging step."""
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def freeze_start_up_objects() -> None:
    """Leave what start-up loaded (libraries, Dagster's definitions, the dbt manifest: half a million
    objects) out of every later garbage collection; a full collection then takes milliseconds, not 0.3 s."""
    gc.freeze()


def return_freed_memory() -> None:
    """Collect what the step left in reference cycles (pandas frames are), then hand glibc's free pages back."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
