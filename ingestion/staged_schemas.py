"""The schema of every staged Parquet file, declared once: (source, table) → pyarrow schema.

dbt reads each staged file through its source and the quality suites check its columns against
it; a dataset with no good version yet is staged as an empty file of this schema, so every model
still compiles and its marts come out empty. The
declaration must be exactly what the tidy code writes: tests/unit/test_staged_schemas.py compares
it with the tidy output on the sample snapshot and with the dbt sources' column lists, and names
the column that differs. Change a tidy function's columns → change its entry here (and the source
YAML) in the same commit.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.durable import written_beside
from ingestion.prh import schemas as prh

# pandas' string dtype is written as large_string; PRH's streaming writer uses pyarrow's string.
TEXT = pa.large_string()
SHORT_TEXT = pa.string()
DATE = pa.date32()
TIMESTAMP = pa.timestamp("us")
PROVENANCE = [
    ("source_table", TEXT),
    ("source_updated_at", TIMESTAMP),
    ("loaded_at", TIMESTAMP),
    ("is_sample_data", pa.bool_()),
]


def _statfin(keys: list[tuple[str, pa.DataType]]) -> pa.Schema:
    """A PxWeb table's tidy cells: its keys, then value and status symbol, then provenance."""
    return pa.schema([*keys, ("value", pa.float64()), ("status", TEXT), *PROVENANCE])


# Every classification's items (occupations, TOL 2008, TOL 2025) are staged alike.
ITEMS = pa.schema(
    [
        ("code", TEXT),
        ("level", pa.int64()),
        ("parent_code", TEXT),
        ("name_fi", TEXT),
        ("name_sv", TEXT),
        ("name_en", TEXT),
        ("classification_id", TEXT),
        ("loaded_at", TIMESTAMP),
        ("is_sample_data", pa.bool_()),
    ]
)

# The release history of a dataset's figures (ingestion/figure_releases.py): one row per figure and release.
RELEASES = pa.schema(
    [
        ("dataset", TEXT),
        ("area_code", TEXT),
        ("month", DATE),
        ("measure", TEXT),
        ("breakdown", TEXT),
        ("value", pa.float64()),
        ("is_suppressed", pa.bool_()),
        ("source_updated_at", TIMESTAMP),
        ("landing_version", TEXT),
        ("is_sample_data", pa.bool_()),
    ]
)

SCHEMAS: dict[tuple[str, str], pa.Schema] = {
    ("classifications", "industry_classification"): ITEMS,
    ("classifications", "industry_classification_2025"): ITEMS,
    ("classifications", "industry_tol2025_tol2008"): pa.schema(
        [
            ("source_code", TEXT),
            ("target_code", TEXT),
            ("source_classification_id", TEXT),
            ("target_classification_id", TEXT),
            ("loaded_at", TIMESTAMP),
            ("is_sample_data", pa.bool_()),
        ]
    ),
    ("classifications", "municipality_areas"): pa.schema(
        [
            ("municipality_code", TEXT),
            ("municipality_name_fi", TEXT),
            ("municipality_name_sv", TEXT),
            ("municipality_name_en", TEXT),
            ("employment_area_code", TEXT),
            ("employment_area_name_fi", TEXT),
            ("employment_area_name_sv", TEXT),
            ("employment_area_name_en", TEXT),
            ("subregion_code", TEXT),
            ("subregion_name_fi", TEXT),
            ("subregion_name_sv", TEXT),
            ("subregion_name_en", TEXT),
            ("region_code", TEXT),
            ("region_name_fi", TEXT),
            ("region_name_sv", TEXT),
            ("region_name_en", TEXT),
            ("classification_date", DATE),
            ("source_table", TEXT),
            ("loaded_at", TIMESTAMP),
            ("is_sample_data", pa.bool_()),
        ]
    ),
    ("classifications", "municipality_harmonisation"): pa.schema(
        [
            ("valid_year", pa.int32()),
            ("municipality_code", TEXT),
            ("current_municipality_code", TEXT),
            ("is_merged", pa.bool_()),
            ("source_table", TEXT),
            ("loaded_at", TIMESTAMP),
            ("is_sample_data", pa.bool_()),
        ]
    ),
    ("classifications", "occupation_classification"): ITEMS,
    ("kela", "unemployment_benefit"): pa.schema(
        [
            ("month", DATE),
            ("employment_area_code", SHORT_TEXT),  # NULL for pooled groups: written from a pandas string column
            ("employment_area_name", TEXT),
            ("area_code_in_source", TEXT),
            ("is_pooled_area", pa.bool_()),
            ("benefit", TEXT),
            ("days_class", TEXT),
            ("is_total_class", pa.bool_()),
            ("recipients", pa.float64()),
            ("compensated_days", pa.float64()),
            ("euros_paid", pa.float64()),
            ("municipal_share_eur", pa.float64()),
            ("source_table", TEXT),
            ("source_updated_at", TIMESTAMP),
            ("loaded_at", TIMESTAMP),
            ("is_sample_data", pa.bool_()),
        ]
    ),
    ("kela", "unemployment_benefit_releases"): RELEASES,
    ("pipeline", "dataset_status"): pa.schema(
        [
            ("source", TEXT),
            ("dataset", TEXT),
            ("source_table", TEXT),
            ("landing_version", TEXT),
            ("source_updated", TIMESTAMP),
            ("fetched_at", TIMESTAMP),
            ("last_attempt_at", TIMESTAMP),
            ("last_attempt_status", TEXT),
            ("last_error", TEXT),
            ("is_stale", pa.bool_()),
            ("latest_period", TEXT),
            ("data_note", TEXT),
            ("is_sample_data", pa.bool_()),
        ]
    ),
    # PRH's streaming writer and register history declare their own schemas (ingestion/prh/schemas.py).
    ("prh", "companies"): prh.COMPANY_SCHEMA,
    ("prh", "company_situations"): prh.SITUATION_SCHEMA,
    ("prh", "company_forms"): prh.FORMS_SCHEMA,
    ("prh", "register_history"): prh.HISTORY_SCHEMA,
    ("prh", "register_dumps"): prh.DUMPS_SCHEMA,
    ("statfin", "bankruptcies"): _statfin(
        [
            ("area_code", TEXT),
            ("period", TEXT),
            ("month", DATE),
            ("measure", TEXT),
        ]
    ),
    ("statfin", "business_dynamics"): _statfin(
        [
            ("area_code", TEXT),
            ("period", TEXT),
            ("quarter", DATE),
            ("industry_code", TEXT),
            ("measure", TEXT),
        ]
    ),
    ("statfin", "labour_market"): _statfin(
        [
            ("area_code", TEXT),
            ("period", TEXT),
            ("month", DATE),
            ("measure", TEXT),
        ]
    ),
    ("statfin", "labour_market_releases"): RELEASES,
    ("statfin", "occupations"): _statfin(
        [
            ("area_code", TEXT),
            ("period", TEXT),
            ("month", DATE),
            ("occupation_code", TEXT),
            ("measure", TEXT),
        ]
    ),
    ("statfin", "population"): pa.schema(
        [
            ("area_code", TEXT),
            ("year", pa.int64()),
            ("sex_code", TEXT),
            ("age_code", TEXT),
            ("age_from", pa.int64()),
            ("age_to", pa.int64()),
            ("population", pa.float64()),
            ("status", TEXT),
            *PROVENANCE,
        ]
    ),
    ("statfin", "population_key_figures"): _statfin([("area_code", TEXT), ("year", pa.int64()), ("measure", TEXT)]),
}


def schema_of(source: str, table: str) -> pa.Schema:
    """The declared schema of one staged table."""
    try:
        return SCHEMAS[(source, table)]
    except KeyError:
        raise KeyError(
            f"no declared staged schema for {source}/{table}; add it to ingestion/staged_schemas.py"
        ) from None


def write_empty(source: str, table: str, path: Path) -> None:
    """Write an empty file of the declared schema atomically (readers see the old file or this one)."""
    with written_beside(path) as tmp:
        pq.write_table(schema_of(source, table).empty_table(), tmp)
