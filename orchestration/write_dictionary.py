"""`python -m orchestration.write_dictionary`: parse dbt if needed, then rewrite docs/data_dictionary.md.

The dictionary itself is plain Python in `serving.dictionary`; only the dbt parse (through the
Dagster dbt project in `orchestration.dbt`) lives here.
"""

from __future__ import annotations

import sys

from orchestration.dbt import ensure_manifest
from serving.dictionary import write_dictionary


def main() -> int:
    """Parse dbt if needed, rewrite docs/data_dictionary.md and name what lacks a Finnish description."""
    return write_dictionary(ensure_manifest())


if __name__ == "__main__":
    sys.exit(main())
