"""Test helpers: the real PxWeb `json` files turned into the json-stat2 and metadata the API serves."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# REALDATA_DIR: where a copy of the project (mutmut's mutants/) finds the recorded responses.
REALDATA = Path(os.environ.get("REALDATA_DIR") or PROJECT_ROOT.parent / "shared" / "realdata")
TYONV_12R5 = "statfin_tyonv_12r5_all_areas_2026M06_pxweb-json.json"
GEOFI_2026 = "kunta_tyollisyysalue_2026_geofi.csv"


def finished_pid() -> int:
    """The id of a process that has ended: what a killed writer's temporary file is named after."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def realdata(name: str) -> Path:
    """Path of a real recorded response; skips (with the reason shown) where ../shared is absent."""
    path = REALDATA / name
    if not path.is_file():
        pytest.skip(f"{path} not present (a clone without ../shared/realdata); runs in CI")
    return path


def pxweb_json_to_jsonstat2(doc: dict[str, Any]) -> dict[str, Any]:
    """The json-stat2 document the API returns for the same query as a PxWeb `json` response."""
    keys = [c for c in doc["columns"] if c["type"] in ("d", "t")]
    contents = [c for c in doc["columns"] if c["type"] == "c"]
    codes: list[list[str]] = [[] for _ in keys]
    for row in doc["data"]:
        for i, part in enumerate(row["key"]):
            if part not in codes[i]:
                codes[i].append(part)
    ids = [c["code"] for c in keys] + ["contentscode"]
    dims = [*codes, [c["code"] for c in contents]]
    sizes = [len(d) for d in dims]
    position = [{c: i for i, c in enumerate(d)} for d in dims]
    total = 1
    for s in sizes:
        total *= s
    values: list[Any] = [None] * total
    status: dict[str, str] = {}
    for row in doc["data"]:
        for m, raw in enumerate(row["values"]):
            flat = 0
            for dim, code in enumerate([*row["key"], contents[m]["code"]]):
                flat = flat * sizes[dim] + position[dim][code]
            if raw in ("...", "..", ".", "-"):
                status[str(flat)] = raw
            else:
                number = float(raw)
                values[flat] = int(number) if number.is_integer() else number
    updated = doc["metadata"][0]["updated"]
    date_part, _, time_part = updated.partition("T")
    texts = {c["code"]: c.get("text", c["code"]) for c in keys + contents}
    return {
        "version": "2.0",
        "class": "dataset",
        "label": doc["metadata"][0]["label"],
        "source": doc["metadata"][0]["source"],
        "updated": f"{date_part}T{time_part.replace('.', ':')}",
        "id": ids,
        "size": sizes,
        "role": {"time": [c["code"] for c in keys if c["type"] == "t"], "metric": ["contentscode"]},
        "dimension": {
            dim_id: {
                "label": texts.get(dim_id, dim_id),
                "category": {"index": position[i], "label": {c: texts.get(c, c) for c in dims[i]}},
            }
            for i, dim_id in enumerate(ids)
        },
        "value": values,
        "status": status,
    }


def metadata_for(doc: dict[str, Any]) -> dict[str, Any]:
    """Table metadata (GET on the table) matching a json-stat2 document."""
    variables = []
    for dim_id in doc["id"]:
        category = doc["dimension"][dim_id]["category"]
        values = sorted(category["index"], key=category["index"].get)
        variable = {
            "code": dim_id,
            "text": doc["dimension"][dim_id]["label"],
            "values": values,
            "valueTexts": [category["label"][v] for v in values],
        }
        if dim_id in doc["role"]["time"]:
            variable["time"] = True
        variables.append(variable)
    return {"title": doc["label"], "variables": variables}


def write_pxweb_snapshot(root: Path, table: str, cube: dict[str, Any], max_cells: int = 120_000) -> Path:
    """Lay out a snapshot directory (config, metadata, cube) for the SnapshotAdapter."""
    base = root / "pxweb"
    (base / "fi" / table).parent.mkdir(parents=True, exist_ok=True)
    config = {"maxValues": max_cells, "maxCells": max_cells, "maxCalls": 40, "timeWindow": 60}
    (base / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (base / "fi" / f"{table}.meta.json").write_text(json.dumps(metadata_for(cube)), encoding="utf-8")
    with gzip.open(base / "fi" / f"{table}.jsonstat2.json.gz", "wt", encoding="utf-8") as fh:
        json.dump(cube, fh)
    return root
