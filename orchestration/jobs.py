"""The names of the Dagster jobs and schedule, declared once.

The definitions build the jobs under these names, and the modules the definitions import (the
release sensor, the dbt asset) name them too; keeping the names here, apart from the definitions,
lets both sides use one constant without an import cycle.
"""

from __future__ import annotations

NIGHTLY_REFRESH_JOB = "nightly_refresh"
NIGHTLY_REFRESH_SCHEDULE = f"{NIGHTLY_REFRESH_JOB}_schedule"
# Everything but landing and housekeeping: staging re-parses the landed files, dbt and publish rebuild.
REBUILD_JOB = "rebuild"
