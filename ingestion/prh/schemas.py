"""The PRH source's names, landed and staged file names and the Parquet schemas of every staged PRH table.

Kept apart from the parts that write them so `ingestion/staged_schemas.py` can declare the PRH tables
without importing the parser.
"""

from __future__ import annotations

import re

import pyarrow as pa

from ingestion.http import RateLimit

SOURCE = "prh"
# 300 requests per minute are shared by every user of the API: stay well inside it.
RATE_LIMIT = RateLimit(calls=240, window_seconds=60)
# PRH's typeCodeSet → the classification of mainBusinessLine.type
CODE_SETS = {"TOIMI3": "TOL2008", "TOIMI4": "TOL2025"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
ZIP_FILE = "all_companies.zip"
FORMS_FILE = "company_forms.tsv"
FORMS_ENDPOINT = "/description"
FORMS_PARAMS = {"code": "YRMU", "lang": "fi"}
COMPANIES_FILE = "companies.parquet"
SITUATIONS_FILE = "company_situations.parquet"
FORMS_PARQUET = "company_forms.parquet"
HISTORY_FILE = "register_history.parquet"
DUMPS_FILE = "register_dumps.parquet"
COMPANY_SCHEMA = pa.schema(
    [
        ("business_id", pa.string()),
        ("company_form_code", pa.string()),
        ("main_industry_code", pa.string()),
        ("industry_code_set", pa.string()),
        ("industry_code_set_source", pa.string()),
        ("municipality_code", pa.string()),
        ("registration_date", pa.date32()),
        ("end_date", pa.date32()),
        ("last_modified", pa.timestamp("us")),
        ("source_updated_at", pa.timestamp("us")),
        ("loaded_at", pa.timestamp("us")),
        ("is_sample_data", pa.bool_()),
    ]
)
SITUATION_SCHEMA = pa.schema(
    [
        ("business_id", pa.string()),
        ("situation_type", pa.string()),
        ("situation_code", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("source_updated_at", pa.timestamp("us")),
        ("loaded_at", pa.timestamp("us")),
        ("is_sample_data", pa.bool_()),
    ]
)
FORMS_SCHEMA = pa.schema(
    [
        ("company_form_code", pa.string()),
        ("company_form_fi", pa.string()),
        ("is_housing_or_property_company", pa.bool_()),
        ("loaded_at", pa.timestamp("us")),
        ("is_sample_data", pa.bool_()),
    ]
)
HISTORY_COLUMNS = [
    "business_id",
    "first_seen_dump",
    "last_seen_dump",
    "left_register_dump",
    "company_form_code",
    "main_industry_code",
    "industry_code_set",
    "municipality_code",
    "registration_date",
    "end_date",
]
HISTORY_SCHEMA = pa.schema(
    [
        ("business_id", pa.string()),
        ("first_seen_dump", pa.date32()),
        ("last_seen_dump", pa.date32()),
        ("left_register_dump", pa.date32()),
        ("company_form_code", pa.string()),
        ("main_industry_code", pa.string()),
        ("industry_code_set", pa.string()),
        ("municipality_code", pa.string()),
        ("registration_date", pa.date32()),
        ("end_date", pa.date32()),
        ("is_sample_data", pa.bool_()),
    ]
)
DUMPS_SCHEMA = pa.schema(
    [
        ("dump_date", pa.date32()),
        ("landing_version", pa.string()),
        ("companies", pa.int64()),
        ("new_companies", pa.int64()),
        ("left_companies", pa.int64()),
        ("returned_companies", pa.int64()),
        ("unknown_code_set_companies", pa.int64()),
        ("source_updated_at", pa.timestamp("us")),
        ("applied_at", pa.timestamp("us")),
        ("is_sample_data", pa.bool_()),
    ]
)
