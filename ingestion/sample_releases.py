"""Land the sample snapshot's earlier releases of 12r5 and Kela, so the release history has something to show.

The snapshot holds two earlier releases of each (`ingestion/sample_snapshot/releases.py`). They are
landed through the real clients, session and landing code, oldest first, as ordinary landing
versions; the next sample refresh then lands the newest release on top and builds the release
history and the revisions mart from all of them. Sample mode only, and only into a landing directory
that has no version of these datasets yet (a version landed later is taken as the newest).

    .venv/bin/python -m ingestion.sample_releases   # then: .venv/bin/tilannekuva refresh
"""

from __future__ import annotations

import sys

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT, LABOUR_MARKET
from ingestion.errors import SettingsError, TilannekuvaError
from ingestion.http import SourceSession, make_session
from ingestion.kela import land_ckan_csv
from ingestion.landing import Landed, latest_version
from ingestion.pxweb import land_pxweb_table
from ingestion.settings import Settings, load_settings
from ingestion.snapshot import SnapshotAdapter


def land_earlier_releases(settings: Settings, session: SourceSession | None = None) -> list[Landed]:
    """Land every earlier release of 12r5 and Kela the snapshot holds, oldest first."""
    session = session or make_session(settings)
    adapter = session.get_adapter(settings.pxweb_base_url)
    if not settings.is_sample or not isinstance(adapter, SnapshotAdapter):
        raise SettingsError("Earlier sample releases can only be landed in sample mode (TILANNEKUVA_MODE=sample).")
    for dataset in (LABOUR_MARKET, KELA_UNEMPLOYMENT_BENEFIT):
        if latest_version(settings.landing_dir, dataset.source, dataset.name) is not None:
            raise SettingsError(
                f"{dataset.source}/{dataset.name} already has landed versions in {settings.landing_dir}; "
                "earlier sample releases are landed only before the first refresh (a later landing is the newest)."
            )
    landed = []
    try:
        for release in adapter.releases():
            adapter.release = release
            landed.append(land_pxweb_table(settings, session, LABOUR_MARKET))
            landed.append(land_ckan_csv(settings, session, KELA_UNEMPLOYMENT_BENEFIT))
    finally:
        adapter.release = None
    return landed


def main() -> int:
    """Command-line entry point: land the earlier releases into the configured data directory."""
    try:
        landed = land_earlier_releases(load_settings(mode="sample"))
    except TilannekuvaError as exc:
        print(exc, file=sys.stderr)
        return 2
    for item in landed:
        print(f"{item.manifest.source}/{item.manifest.dataset}: release {item.manifest.source_updated} → {item.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
