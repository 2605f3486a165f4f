"""One expectation suite per tidy dataset.

Expectations that GX cannot state directly on the long table (a relation between two measures, a
value missing without its symbol) are stated on a derived frame, so that they still run as GX
expectations and report example rows.
"""

from __future__ import annotations

import pandas as pd
from great_expectations import expectations as gxe

from ingestion.catalogue import LABOUR_MARKET, RATE_MEASURES
from ingestion.jsonstat import MISSING_SYMBOLS
from quality.runner import Check, SuiteResult, run_checks

MONTH_CODE = r"^\d{4}M(?:0[1-9]|1[0-2])$"
LABOUR_MARKET_COLUMNS = [
    "area_code",
    "period",
    "month",
    "measure",
    "value",
    "status",
    "source_table",
    "source_updated_at",
    "loaded_at",
    "is_sample_data",
]


def month_range(periods: pd.Series) -> list[str]:
    """Every month code between the first and last period present (to catch gaps)."""
    months = pd.period_range(
        pd.Period(periods.min().replace("M", "-"), "M"), pd.Period(periods.max().replace("M", "-"), "M"), freq="M"
    )
    return [f"{p.year}M{p.month:02d}" for p in months]


def validate_labour_market(frame: pd.DataFrame, known_areas: list[str] | None = None) -> SuiteResult:
    """The blocking suite for tidy `statfin/labour_market` (tyonv/12r5)."""
    counts = frame[~frame["measure"].isin(RATE_MEASURES)]
    wide = frame.pivot_table(index=["area_code", "period"], columns="measure", values="value", aggfunc="first")
    wide = wide.reindex(columns=["HAKIJALOPUSSA", "TYOTTOMATLOPUSSA"]).reset_index()
    derived = pd.DataFrame(
        {
            "area_code": frame["area_code"],
            "period": frame["period"],
            "measure": frame["measure"],
            "missing_without_symbol": frame["value"].isna() & frame["status"].isna(),
        }
    )
    area_pattern = r"^(?:SSS|MK\w{2}|SK\w{3,4}|KU\w{3,4})$"
    checks = [
        Check("long", gxe.ExpectTableColumnsToMatchSet(column_set=LABOUR_MARKET_COLUMNS, exact_match=True), "schema"),
        Check("long", gxe.ExpectColumnValuesToBeOfType(column="value", type_="float64"), "value is a float"),
        Check(
            "long", gxe.ExpectColumnValuesToBeOfType(column="is_sample_data", type_="bool"), "sample flag is boolean"
        ),
        *[
            Check("long", gxe.ExpectColumnValuesToNotBeNull(column=c), f"{c} is never null")
            for c in ("area_code", "period", "month", "measure", "source_table", "source_updated_at")
        ],
        Check("long", gxe.ExpectColumnValuesToMatchRegex(column="period", regex=MONTH_CODE), "month codes"),
        Check(
            "long",
            gxe.ExpectColumnValuesToBeInSet(column="area_code", value_set=known_areas)
            if known_areas
            else gxe.ExpectColumnValuesToMatchRegex(column="area_code", regex=area_pattern),
            "area codes are known",
        ),
        Check(
            "long",
            gxe.ExpectColumnValuesToBeInSet(column="measure", value_set=list(LABOUR_MARKET.measures)),
            "measures",
        ),
        Check("long", gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(MISSING_SYMBOLS)), "PX symbols"),
        Check("counts", gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0), "counts are non-negative"),
        Check(
            "long",
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["area_code", "period", "measure"]),
            "one row per key",
        ),
        Check(
            "long",
            gxe.ExpectColumnDistinctValuesToEqualSet(column="period", value_set=month_range(frame["period"])),
            "no gaps in months",
        ),
        Check(
            "derived",
            gxe.ExpectColumnValuesToBeInSet(column="missing_without_symbol", value_set=[False]),
            "a missing value always carries its symbol",
        ),
        Check(
            "wide",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="HAKIJALOPUSSA",
                column_B="TYOTTOMATLOPUSSA",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            "unemployed ≤ jobseekers",
        ),
    ]
    frames = {"long": frame, "counts": counts, "wide": wide, "derived": derived}
    return run_checks("statfin/labour_market", frames, checks)


def validate_municipality_areas(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `classifications/municipality_areas`."""
    checks = [
        Check("areas", gxe.ExpectColumnValuesToBeUnique(column="municipality_code"), "one row per municipality"),
        Check("areas", gxe.ExpectColumnValuesToMatchRegex(column="municipality_code", regex=r"^KU\d{3}$"), "KU codes"),
        Check(
            "areas", gxe.ExpectColumnValuesToMatchRegex(column="employment_area_code", regex=r"^TA\d{2}$"), "TA codes"
        ),
        Check("areas", gxe.ExpectColumnValuesToMatchRegex(column="subregion_code", regex=r"^SK\d{3}$"), "SK codes"),
        Check("areas", gxe.ExpectColumnValuesToMatchRegex(column="region_code", regex=r"^MK\d{2}$"), "MK codes"),
        *[
            Check("areas", gxe.ExpectColumnValuesToNotBeNull(column=c), f"{c} is never null")
            for c in frame.columns
            if c.endswith("_name_fi") or c.endswith("_code")
        ],
        Check("areas", gxe.ExpectTableRowCountToBeBetween(min_value=250, max_value=400), "about 300 municipalities"),
        Check(
            "areas",
            gxe.ExpectColumnUniqueValueCountToBeBetween(column="employment_area_code", min_value=40, max_value=50),
            "45 + 1 areas",
        ),
    ]
    return run_checks("classifications/municipality_areas", {"areas": frame}, checks)
