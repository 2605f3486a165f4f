"""The report's building blocks: a figure with its provenance and bound, and two small query helpers.

Kept apart from `data` so that the loaders of every section (`data`, `outlook_data`) can share them
without importing each other.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

import duckdb


@dataclass(frozen=True)
class Ref:
    """Where a figure comes from: table, the key of its row, the column, and `sum` when summed over rows."""

    table: str
    key: tuple[tuple[str, Any], ...]
    column: str
    agg: str | None = None
    # A range of a column the summed rows lie in, both ends included (e.g. twelve months of a ledger).
    between: tuple[str, dt.date, dt.date] | None = None
    # The shown value is the column times this (a 0–1 share shown in per cent: 100).
    scale: float | None = None

    def to_json(self) -> str:
        """Compact JSON for the `data-ref` attribute (dates as ISO strings)."""

        def iso(v: Any) -> Any:
            return v.isoformat() if isinstance(v, dt.date) else v

        doc: dict[str, Any] = {"t": self.table, "k": {k: iso(v) for k, v in self.key}, "c": self.column}
        if self.agg:
            doc["agg"] = self.agg
        if self.between:
            doc["r"] = [iso(v) for v in self.between]
        if self.scale:
            doc["x"] = self.scale
        return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


class Bound(Enum):
    """What a number is known to be: the value itself, at least it, at most it, or not comparable.

    Suppressed member cells make an area's sum a lower bound. Arithmetic on such numbers has to carry
    the bound (interval arithmetic), or a change would claim more than the data support: exact − lower
    bound is only an upper bound, and lower bound − lower bound says nothing. The marts do that arithmetic
    (macro difference_bound); the report reads their change_1m_bound and change_12m_bound.
    """

    EXACT = "exact"
    LOWER = "lower"
    UPPER = "upper"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, is_lower_bound: object) -> Bound:
        """LOWER for a true lower-bound flag, else EXACT (a NULL flag means no suppressed cell)."""
        return cls.LOWER if is_lower_bound else cls.EXACT

    @classmethod
    def from_mart(cls, label: str | None) -> Bound:
        """The bound a mart states for a change (change_1m_bound, change_12m_bound); NULL counts as EXACT."""
        return {"lower_bound": cls.LOWER, "upper_bound": cls.UPPER, "unknown": cls.UNKNOWN}.get(label or "", cls.EXACT)

    def negated(self) -> Bound:
        """The bound of −x: at least x means at most −x."""
        return {Bound.LOWER: Bound.UPPER, Bound.UPPER: Bound.LOWER}.get(self, self)


@dataclass(frozen=True)
class Figure:
    """One number as shown, with its provenance and bound; `value` None means missing or suppressed."""

    value: float | None
    ref: Ref | None
    bound: Bound = Bound.EXACT

    @property
    def is_lower_bound(self) -> bool:
        """True when the value is only a lower bound (shown with ≥)."""
        return self.bound is Bound.LOWER


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0]
    )
