"""Sample snapshot: the classification service's yearly municipality correspondences (mergers).

Two real mergers inside the default history window (from 2019) are recorded in the service's shape,
`kunta_1_YYYY0101#kunta_1_(YYYY+1)0101` maps in Finnish: Valtimo (911) joined Nurmes (541) on
1.1.2020, Honkajoki (099) joined Kankaanpää (214) on 1.1.2021. Every other municipality maps to
itself. Later years have no merger the sample needs, so they are not listed (a client carries the
codes over). Figures in the sample are in today's division, as StatFin publishes them; these maps let
data keyed by the municipality valid at the time be summed into today's municipality.
"""

from __future__ import annotations

from ingestion.sample_snapshot.basics import (
    CORRESPONDENCE_LIST_PATH,
    Municipality,
    add_correspondences,
    json_bytes,
    maps_path,
)

# Municipalities that no longer exist, and per year the maps of them that differ from today's list:
# (code valid in the year, code a year later). Real mergers, Statistics Finland.
EXTINCT = {"911": "Valtimo", "099": "Honkajoki"}
EXTRA_MAPS: dict[int, tuple[tuple[str, str], ...]] = {
    2019: (("911", "541"), ("099", "099")),
    2020: (("099", "214"),),
}


def succession_id(year: int) -> str:
    return f"kunta_1_{year}0101#kunta_1_{year + 1}0101"


def succession_documents(municipalities: list[Municipality], listing: bytes) -> dict[str, bytes]:
    """The yearly maps and the correspondence list with their entries added."""
    names = {**EXTINCT, **{m.code: m.name_fi for m in municipalities}}
    listed: list[str] = []
    docs: dict[str, bytes] = {}
    for year, extra in EXTRA_MAPS.items():
        local_id = succession_id(year)
        pairs = [(m.code, m.code) for m in municipalities] + list(extra)
        maps = [
            {
                "sourceItem": {"code": code, "classificationItemNames": [{"lang": "fi", "name": names[code]}]},
                "targetItem": {"code": target, "classificationItemNames": [{"lang": "fi", "name": names[target]}]},
                "correspondenceTable": {"localId": local_id},
            }
            for code, target in sorted(pairs)
        ]
        docs[maps_path(local_id, "fi")] = json_bytes(maps)
        listed.append(local_id)
    docs[CORRESPONDENCE_LIST_PATH] = add_correspondences(listing, listed)
    return docs
