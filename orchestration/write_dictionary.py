"""`python -m orchestration.write_dictionary`: parse dbt if needed, then rewrite docs/data_dictionary.md.

The dictionary itself is plain Python in `serving.dictionary`; only the dbt parse (dagster-dbt's
preparer of the project in `orchestration.dbt_project`) lives here.
"""

from __future__ import annotations

import sys

from orchestration.dbt_project import prepare_if_stale
from serving.dictionary import write_dictionary


def main() -> int:
    """Parse dbt if needed, rewrite docs/data_dictionary.md and name what lacks a Finnish description."""
    return write_dictionary(prepare_if_stale())


if __name__ == "__main__":
    sys.exit(main())
