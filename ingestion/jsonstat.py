"""Parsers for PxWeb responses: json-stat2 (what the pipeline requests) and PxWeb `json`.

Both return the same long table: one column per dimension (named by its code), `value` (float,
NaN where missing) and `status` (the PX missing-value symbol, kept verbatim, never coerced to 0).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from ingestion.errors import SourceError

MISSING_SYMBOLS = ("...", "..", ".", "-")
MAX_JSON_BYTES = 512 * 1024 * 1024


# No source document nests deeper than ~6 levels; a deeper one is hostile or broken, not data.
MAX_JSON_DEPTH = 64


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object hook that refuses a key given twice (json.loads would silently keep the last one)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def json_depth(doc: Any) -> int:
    """How deeply arrays and objects nest (a scalar is 0), walked without recursion."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def load_json(raw: bytes, source: str) -> Any:
    """Decode a JSON body, naming the source when it is truncated, not JSON, nested absurdly deep or has a key twice."""
    if not raw.strip():
        raise SourceError(source, "body", "", "response body is empty")
    try:
        doc = json.loads(raw, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        raise SourceError(source, "object key", exc.key, "the same key appears twice in one JSON object") from exc
    except RecursionError as exc:
        raise SourceError(source, "body", f"{len(raw)} bytes", f"JSON nested deeper than {MAX_JSON_DEPTH}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        tail = raw[-40:].decode("utf-8", "replace")
        raise SourceError(source, "body", f"…{tail}", f"not valid JSON, probably truncated ({exc})") from exc
    depth = json_depth(doc)
    if depth > MAX_JSON_DEPTH:
        raise SourceError(source, "body", f"depth {depth}", f"JSON nested deeper than {MAX_JSON_DEPTH}")
    return doc


def _status_map(status: Any, n_cells: int, source: str) -> dict[int, str]:
    if status is None:
        return {}
    if isinstance(status, str):
        return dict.fromkeys(range(n_cells), status)
    if isinstance(status, list):
        return {i: s for i, s in enumerate(status) if s is not None}
    if isinstance(status, dict):
        try:
            return {int(k): str(v) for k, v in status.items()}
        except ValueError as exc:
            raise SourceError(source, "status", next(iter(status)), "status keys must be cell indices") from exc
    raise SourceError(source, "status", type(status).__name__, "unsupported json-stat2 status form")


def parse_jsonstat2(doc: Any, source: str) -> pd.DataFrame:
    """Turn a json-stat2 dataset into a long frame, validating its shape first."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        found = doc.get("class") if isinstance(doc, dict) else type(doc).__name__
        raise SourceError(source, "class", found, "expected a json-stat2 dataset")
    ids, sizes, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dims, dict) or len(ids) != len(sizes):
        raise SourceError(source, "id/size", (ids, sizes), "dimension ids and sizes are missing or disagree")
    values = doc.get("value")
    n_cells = math.prod(sizes)
    if isinstance(values, dict):
        dense: list[Any] = [None] * n_cells
        for k, v in values.items():
            dense[int(k)] = v
        values = dense
    if not isinstance(values, list) or len(values) != n_cells:
        got = len(values) if isinstance(values, list) else type(values).__name__
        raise SourceError(source, "value", got, f"expected {n_cells} cells (size {sizes}); response truncated?")

    columns: dict[str, np.ndarray] = {}
    repeat_after = n_cells
    for dim_id, size in zip(ids, sizes, strict=True):
        category = (dims.get(dim_id) or {}).get("category") or {}
        index = category.get("index")
        if isinstance(index, dict):
            codes = [None] * size
            for code, pos in index.items():
                if not 0 <= pos < size:
                    raise SourceError(source, f"dimension.{dim_id}.index", code, f"position {pos} outside size {size}")
                codes[pos] = code
        elif isinstance(index, list):
            codes = list(index)
        elif size == 1 and isinstance(category.get("label"), dict):
            codes = list(category["label"])
        else:
            raise SourceError(source, f"dimension.{dim_id}", dim_id, "category index missing")
        if len(codes) != size or any(c is None for c in codes):
            raise SourceError(source, f"dimension.{dim_id}.index", len(codes), f"expected {size} categories")
        repeat_after //= size
        block = np.repeat(np.asarray(codes, dtype=object), repeat_after)
        columns[dim_id] = np.tile(block, n_cells // len(block))

    numeric = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("float64")
    status = np.full(n_cells, None, dtype=object)
    symbols = _status_map(doc.get("status"), n_cells, source)
    if symbols:
        flagged = np.fromiter(symbols, dtype=np.int64, count=len(symbols))
        outside = flagged[(flagged < 0) | (flagged >= n_cells)]
        if outside.size:
            raise SourceError(source, "status", int(outside[0]), f"cell index outside the {n_cells} cells")
        status[flagged] = np.array(list(symbols.values()), dtype=object)
    bad = numeric.isna() & pd.Series(values, dtype=object).notna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceError(source, "value", values[first], f"cell {first} is neither a number nor null")
    frame = pd.DataFrame(columns)
    frame["value"] = numeric.to_numpy()
    frame["status"] = status
    return frame


def parse_pxweb_json(doc: Any, source: str) -> pd.DataFrame:
    """Turn a PxWeb `json` response (columns/data) into the same long frame as json-stat2."""
    if not isinstance(doc, dict) or "columns" not in doc or "data" not in doc:
        raise SourceError(source, "columns/data", type(doc).__name__, "expected a PxWeb json response")
    key_cols = [c["code"] for c in doc["columns"] if c.get("type") in ("d", "t")]
    content_cols = [c["code"] for c in doc["columns"] if c.get("type") == "c"]
    records: list[tuple[Any, ...]] = []
    for row in doc["data"]:
        key, vals = row.get("key", []), row.get("values", [])
        if len(key) != len(key_cols) or len(vals) != len(content_cols):
            raise SourceError(source, "data.key/values", key, "row does not match the columns")
        for measure, raw in zip(content_cols, vals, strict=True):
            raw = raw.strip() if isinstance(raw, str) else raw
            if raw in MISSING_SYMBOLS or raw is None:
                records.append((*key, measure, np.nan, raw))
            else:
                try:
                    records.append((*key, measure, float(raw), None))
                except ValueError as exc:
                    raise SourceError(source, f"data[{key}].{measure}", raw, "not a number or PX symbol") from exc
    return pd.DataFrame.from_records(records, columns=[*key_cols, "contentscode", "value", "status"])


def pxweb_json_updated(doc: dict[str, Any]) -> str | None:
    """The release stamp of a PxWeb `json` response, normalised to ISO 8601 (it uses dots in the time)."""
    meta = doc.get("metadata") or [{}]
    stamp = meta[0].get("updated")
    if not stamp:
        return None
    date, _, time = stamp.partition("T")
    return f"{date}T{time.replace('.', ':')}" if time else date
