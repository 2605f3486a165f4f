"""Employment areas by code or by name: what `--area` and `TILANNEKUVA_AREA` accept.

People know their area as "Oulun seutu", "Uleåborgregionen" or "Oulu region", not as TA24, so a
name in any of the three languages is accepted, with case, accents and punctuation forgiven. Names
come from the staged classification when there is one (the live list), else from the bundled
sample snapshot, so a lookup works before the first refresh and without the warehouse.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from pathlib import Path

from ingestion.errors import SettingsError

SNAPSHOT_CORRESPONDENCE = Path(__file__).parent / "sample_snapshot" / "classifications" / "v2" / "correspondenceTables"
STAGED_AREAS = Path("classifications") / "municipality_areas.parquet"
LANGUAGES = ("fi", "sv", "en")
CODE_PATTERN = re.compile(r"^ta ?(\d{1,2})$")


def normalise(text: str) -> str:
    """Lower case without accents, every run of punctuation or space one space: 'Ylä-Savo' -> 'yla savo'."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", stripped.casefold()).split())


def as_code(text: str) -> str | None:
    """'TA24', 'ta24' or 'TA 24' as 'TA24'; None when the text is not shaped like a code."""
    match = CODE_PATTERN.match(" ".join(text.strip().casefold().split()))
    return f"TA{int(match.group(1)):02d}" if match else None


def _snapshot_areas() -> dict[str, tuple[str, ...]]:
    names: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        maps = sorted(SNAPSHOT_CORRESPONDENCE.glob(f"*tyollisyysalue*/maps.{lang}.json"))
        for entry in json.loads(maps[-1].read_text(encoding="utf-8")):
            target = entry["targetItem"]
            name = next((n["name"] for n in target["classificationItemNames"] if n["lang"] == lang), None)
            code = f"TA{int(target['code']):02d}"
            if name and name not in names.setdefault(code, []):
                names[code].append(name)
    return {code: tuple(found) for code, found in names.items()}


def employment_areas(staging_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Area code -> its names (fi, sv, en; duplicates dropped), from staging if staged, else the snapshot."""
    staged = staging_dir / STAGED_AREAS if staging_dir is not None else None
    if staged is None or not staged.exists():
        return _snapshot_areas()
    import pandas as pd

    columns = ["employment_area_code"] + [f"employment_area_name_{lang}" for lang in LANGUAGES]
    frame = pd.read_parquet(staged, columns=columns).drop_duplicates("employment_area_code")
    return {
        row[0]: tuple(dict.fromkeys(str(n) for n in row[1:] if isinstance(n, str) and n))
        for row in frame.itertuples(index=False)
    }


def _label(code: str, areas: dict[str, tuple[str, ...]]) -> str:
    names = areas.get(code, ())
    return f"{code} {names[0]}" if names else code


def closest(wanted: str, by_name: dict[str, str], limit: int = 3) -> list[str]:
    """Codes whose name is nearest to a misspelt one; a short guess is held against the name's start too."""
    scores: dict[str, float] = {}
    for name, code in by_name.items():
        score = max(
            difflib.SequenceMatcher(None, wanted, name).ratio(),
            difflib.SequenceMatcher(None, wanted, name[: len(wanted)]).ratio(),
        )
        scores[code] = max(score, scores.get(code, 0.0))
    ranked = sorted((code for code, score in scores.items() if score >= 0.7), key=lambda c: -scores[c])
    return ranked[:limit]


def resolve_area(value: str, given_as: str, areas: dict[str, tuple[str, ...]]) -> str:
    """The area code `value` means: a code is taken as is (its existence is checked before a run), a name
    must match one area. `given_as` (the flag or variable) starts every refusal, so it points at the
    input the user actually typed."""
    code = as_code(value)
    if code is not None:
        return code
    wanted = normalise(value)
    if not wanted:
        raise SettingsError(f"{given_as} must be an employment-area code like TA24 or a name like 'Oulun seutu'.")
    by_name = {normalise(name): code for code, names in areas.items() for name in names}
    if wanted in by_name:
        return by_name[wanted]
    # The start of a name is taken when it fits one area only ("oulu": "Oulun seutu", "Oulu region");
    # a word inside a name only suggests ("lapland" is one of four Lapland areas, not "North and East Lapland").
    pattern = re.compile(rf"(^| ){re.escape(wanted)}")
    candidates = sorted({code for name, code in by_name.items() if pattern.search(name)})
    starts = sorted({code for name, code in by_name.items() if name.startswith(wanted)})
    if len(candidates) == 1 and starts == candidates:
        return candidates[0]
    if len(candidates) > 1:
        listed = ", ".join(_label(c, areas) for c in candidates)
        raise SettingsError(
            f"{given_as} {value!r} matches {len(candidates)} employment areas: {listed}; give one of them."
        )
    suggestions = candidates or closest(wanted, by_name)
    hint = (
        f"did you mean {' or '.join(_label(c, areas) for c in suggestions)}?"
        if suggestions
        else f"the codes run {min(areas)}–{max(areas)}, e.g. TA24 for Oulun seutu"
    )
    raise SettingsError(f"{given_as} {value!r} is not an employment-area code or name; {hint}")
