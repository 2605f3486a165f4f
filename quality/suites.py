"""One expectation suite per tidy dataset.

Expectations that GX cannot state directly on the long table (a relation between two measures, a
value missing without its symbol) are stated on a derived frame, so that they still run as GX
expectations and report example rows.
"""

from __future__ import annotations

import pandas as pd
from great_expectations import expectations as gxe

from ingestion.catalogue import LABOUR_MARKET, POPULATION_KEY_FIGURES, RATE_MEASURES
from ingestion.jsonstat import MISSING_SYMBOLS
from ingestion.staged_schemas import schema_of
from quality.runner import Check, SuiteResult, run_checks

MONTH_CODE = r"^\d{4}M(?:0[1-9]|1[0-2])$"
QUARTER_CODE = r"^\d{4}Q[1-4]$"
LABOUR_MARKET_COLUMNS = schema_of("statfin", "labour_market").names


def month_range(periods: pd.Series) -> list[str]:
    """Every month code between the first and last period present (to catch gaps)."""
    months = pd.period_range(
        pd.Period(periods.min().replace("M", "-"), "M"), pd.Period(periods.max().replace("M", "-"), "M"), freq="M"
    )
    return [f"{p.year}M{p.month:02d}" for p in months]


def quarter_range(periods: pd.Series) -> list[str]:
    """Every quarter code between the first and last period present (to catch gaps)."""
    quarters = pd.period_range(pd.Period(periods.min(), "Q"), pd.Period(periods.max(), "Q"), freq="Q")
    return [f"{p.year}Q{p.quarter}" for p in quarters]


def schema_checks(columns: list[str], not_null: tuple[str, ...]) -> list[Check]:
    """Exactly these columns, and the key and provenance columns never null (frame `long`)."""
    return [
        Check("long", gxe.ExpectTableColumnsToMatchSet(column_set=columns, exact_match=True), "schema"),
        *[Check("long", gxe.ExpectColumnValuesToNotBeNull(column=c), f"{c} is never null") for c in not_null],
    ]


def px_period_checks(frame: pd.DataFrame, key: list[str], grain: str = "month") -> tuple[list[Check], pd.DataFrame]:
    """Checks every monthly (or, with grain="quarter", quarterly) PxWeb table shares, and the derived frame they read.

    Period codes, PX symbols, one row per key, no gaps in periods, and no value missing without its
    symbol (a NULL that would otherwise pass as a suppressed cell).
    """
    derived = pd.DataFrame({"missing_without_symbol": frame["value"].isna() & frame["status"].isna()})
    code, period_range = (QUARTER_CODE, quarter_range) if grain == "quarter" else (MONTH_CODE, month_range)
    checks = [
        Check("long", gxe.ExpectColumnValuesToMatchRegex(column="period", regex=code), f"{grain} codes"),
        Check("long", gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(MISSING_SYMBOLS)), "PX symbols"),
        Check("long", gxe.ExpectCompoundColumnsToBeUnique(column_list=key), "one row per key"),
        Check(
            "long",
            gxe.ExpectColumnDistinctValuesToEqualSet(column="period", value_set=period_range(frame["period"])),
            f"no gaps in {grain}s",
        ),
        Check(
            "derived",
            gxe.ExpectColumnValuesToBeInSet(column="missing_without_symbol", value_set=[False]),
            "a missing value always carries its symbol",
        ),
    ]
    return checks, derived


def validate_labour_market(frame: pd.DataFrame, known_areas: list[str] | None = None) -> SuiteResult:
    """The blocking suite for tidy `statfin/labour_market` (tyonv/12r5)."""
    counts = frame[~frame["measure"].isin(RATE_MEASURES)]
    wide = frame.pivot_table(index=["area_code", "period"], columns="measure", values="value", aggfunc="first")
    wide = wide.reindex(columns=["HAKIJALOPUSSA", "TYOTTOMATLOPUSSA"]).reset_index()
    common, derived = px_period_checks(frame, ["area_code", "period", "measure"])
    area_pattern = r"^(?:SSS|MK\w{2}|SK\w{3,4}|KU\w{3,4})$"
    checks = [
        *schema_checks(
            LABOUR_MARKET_COLUMNS, ("area_code", "period", "month", "measure", "source_table", "source_updated_at")
        ),
        Check("long", gxe.ExpectColumnValuesToBeOfType(column="value", type_="float64"), "value is a float"),
        Check(
            "long", gxe.ExpectColumnValuesToBeOfType(column="is_sample_data", type_="bool"), "sample flag is boolean"
        ),
        *common,
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
        Check("counts", gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0), "counts are non-negative"),
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


POPULATION_COLUMNS = schema_of("statfin", "population").names
KEY_FIGURE_COLUMNS = schema_of("statfin", "population_key_figures").names


def validate_population(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `statfin/population` (vaerak/11re by municipality, age and sex)."""
    totals = frame[(frame["sex_code"] == "SSS") & (frame["age_code"] == "SSS")]
    parts = frame[(frame["sex_code"] != "SSS") | (frame["age_code"] != "SSS")]
    by_sex = parts[parts["age_code"] == "SSS"].groupby(["area_code", "year"])["population"].sum(min_count=1)
    derived = totals.set_index(["area_code", "year"])[["population"]].join(by_sex.rename("sum_of_sexes"))
    derived = derived.reset_index()
    derived["sexes_add_up"] = derived["sum_of_sexes"].isna() | (derived["population"] == derived["sum_of_sexes"])
    checks = [
        *schema_checks(
            POPULATION_COLUMNS, ("area_code", "year", "sex_code", "age_code", "source_table", "source_updated_at")
        ),
        Check("long", gxe.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^(?:SSS|KU\d{3})$"), "areas"),
        Check("long", gxe.ExpectColumnValuesToBeInSet(column="sex_code", value_set=["SSS", "1", "2"]), "sex codes"),
        Check("long", gxe.ExpectColumnValuesToBeBetween(column="population", min_value=0), "non-negative"),
        Check("long", gxe.ExpectColumnValuesToBeBetween(column="year", min_value=1970, max_value=2100), "years"),
        Check("long", gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(MISSING_SYMBOLS)), "PX symbols"),
        Check(
            "long",
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["area_code", "year", "sex_code", "age_code"]),
            "one row per key",
        ),
        Check("totals", gxe.ExpectColumnValuesToNotBeNull(column="population"), "every total is present"),
        Check(
            "derived",
            gxe.ExpectColumnValuesToBeInSet(column="sexes_add_up", value_set=[True]),
            "men + women = total",
        ),
    ]
    return run_checks("statfin/population", {"long": frame, "totals": totals, "derived": derived}, checks)


def validate_population_key_figures(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `statfin/population_key_figures` (vaerak/11ra)."""
    population = frame[frame["measure"] == "vaerak-vaesto"]
    shares = frame[frame["measure"].isin(["vaesto_alle15_p", "vaesto_yli64_p"])]
    checks = [
        *schema_checks(KEY_FIGURE_COLUMNS, ("area_code", "year", "measure", "source_table", "source_updated_at")),
        Check(
            "long",
            gxe.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^(?:SSS|KU\d{3}|TA\d{2}|SK\d{3}|MK\d{2})$"),
            "areas",
        ),
        Check(
            "long",
            gxe.ExpectColumnValuesToBeInSet(column="measure", value_set=list(POPULATION_KEY_FIGURES.measures)),
            "measures",
        ),
        Check("long", gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(MISSING_SYMBOLS)), "PX symbols"),
        Check("long", gxe.ExpectCompoundColumnsToBeUnique(column_list=["area_code", "year", "measure"]), "unique"),
        Check("population", gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0), "population ≥ 0"),
        Check("shares", gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=100), "shares in %"),
    ]
    frames = {"long": frame, "population": population, "shares": shares}
    return run_checks("statfin/population_key_figures", frames, checks)


OCCUPATION_COLUMNS = schema_of("statfin", "occupations").names


def validate_occupations(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `statfin/occupations` (tyonv/12ti)."""
    common, derived = px_period_checks(frame, ["area_code", "period", "occupation_code", "measure"])
    checks = [
        *schema_checks(
            OCCUPATION_COLUMNS, ("area_code", "period", "month", "occupation_code", "measure", "source_updated_at")
        ),
        *common,
        Check("long", gxe.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^(?:SSS|KU\w{3,4})$"), "areas"),
        Check(
            "long",
            gxe.ExpectColumnValuesToMatchRegex(column="occupation_code", regex=r"^(?:\d{4}|X\w*)$"),
            "4-digit occupation codes (or X… unknown classes)",
        ),
        Check(
            "long",
            gxe.ExpectColumnValuesToBeInSet(column="measure", value_set=["TYOTTOMATLOPUSSA", "AVPAIKATLOPUSSA"]),
            "measures",
        ),
        Check("long", gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0), "counts are non-negative"),
    ]
    return run_checks("statfin/occupations", {"long": frame, "derived": derived}, checks)


def classification_item_checks() -> list[Check]:
    """Checks every classification's items share (frames `items`, `totals`, `classified`).

    One row per code, names fi/sv/en, levels 0-5 where level 0 is the classification's total (such as
    `SSSSS`): expected, at most one, without a parent; the code patterns apply to the levels 1-5
    (`classified`, see `item_frames`).
    """
    return [
        Check("items", gxe.ExpectColumnValuesToBeUnique(column="code"), "one row per code"),
        *[
            Check("items", gxe.ExpectColumnValuesToNotBeNull(column=c), f"{c} is never null")
            for c in ("code", "level", "name_fi", "name_sv", "name_en", "classification_id")
        ],
        Check("items", gxe.ExpectColumnValuesToBeBetween(column="level", min_value=0, max_value=5), "levels 0-5"),
        Check("totals", gxe.ExpectTableRowCountToBeBetween(min_value=0, max_value=1), "at most one level-0 total"),
        Check("totals", gxe.ExpectColumnValuesToBeNull(column="parent_code"), "the total has no parent"),
        Check(
            "classified",
            gxe.ExpectColumnValuesToBeBetween(column="level", min_value=1, max_value=5),
            "levels 1-5 below the total",
        ),
    ]


def item_frames(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The frames `classification_item_checks` reads: all items, the level-0 totals, the levels 1-5."""
    return {"items": frame, "totals": frame[frame["level"] == 0], "classified": frame[frame["level"] != 0]}


def validate_occupation_classification(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `classifications/occupation_classification`."""
    checks = [
        *classification_item_checks(),
        Check(
            "classified",
            gxe.ExpectColumnValuesToMatchRegex(column="code", regex=r"^(?:\d{1,5}|X\w*)$"),
            "numeric codes (or X… unknown) below the total",
        ),
        Check("items", gxe.ExpectTableRowCountToBeBetween(min_value=10), "at least the major groups"),
    ]
    return run_checks("classifications/occupation_classification", item_frames(frame), checks)


KELA_COLUMNS = schema_of("kela", "unemployment_benefit").names
KELA_KEY = ["area_code_in_source", "month", "benefit", "days_class"]


def validate_kela_benefit(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `kela/unemployment_benefit`.

    Euros are not checked for sign: Kela's figures include recoveries, so a class can be negative.
    """
    totals = frame[frame["is_total_class"] & ~frame["is_pooled_area"]]
    classes = frame[~frame["is_total_class"]]
    derived = classes.merge(
        frame.loc[frame["is_total_class"], ["area_code_in_source", "month", "benefit", "recipients"]],
        on=["area_code_in_source", "month", "benefit"],
        suffixes=("", "_total"),
    )
    derived["class_within_total"] = derived["recipients"].isna() | (
        derived["recipients"] <= derived["recipients_total"]
    )
    labelled = pd.DataFrame({"area_or_pooled": frame["is_pooled_area"] ^ frame["employment_area_code"].notna()})
    checks = [
        *schema_checks(KELA_COLUMNS, ("month", "area_code_in_source", "benefit", "days_class", "source_updated_at")),
        Check(
            "long",
            gxe.ExpectColumnValuesToMatchRegex(column="employment_area_code", regex=r"^TA\d{2}$"),
            "employment-area codes",
        ),
        Check("long", gxe.ExpectColumnValuesToBeBetween(column="recipients", min_value=0), "recipients ≥ 0"),
        Check(
            "long",
            gxe.ExpectColumnValuesToBeBetween(column="compensated_days", min_value=0),
            "compensated days ≥ 0",
        ),
        Check("long", gxe.ExpectCompoundColumnsToBeUnique(column_list=KELA_KEY), "one row per key"),
        Check(
            "labelled",
            gxe.ExpectColumnValuesToBeInSet(column="area_or_pooled", value_set=[True]),
            "every row has an employment area or is a labelled pooled group, never both",
        ),
        Check(
            "totals",
            gxe.ExpectColumnUniqueValueCountToBeBetween(column="employment_area_code", min_value=40, max_value=50),
            "every employment area has totals",
        ),
        Check(
            "derived",
            gxe.ExpectColumnValuesToBeInSet(column="class_within_total", value_set=[True]),
            "no class has more recipients than the Yhteensä total",
        ),
    ]
    frames = {"long": frame, "totals": totals, "derived": derived, "labelled": labelled}
    return run_checks("kela/unemployment_benefit", frames, checks)


BUSINESS_DYNAMICS_COLUMNS = schema_of("statfin", "business_dynamics").names


def validate_business_dynamics(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `statfin/business_dynamics` (aly: openings, closures, stock by quarter)."""
    common, derived = px_period_checks(frame, ["area_code", "period", "industry_code", "measure"], grain="quarter")
    checks = [
        *schema_checks(
            BUSINESS_DYNAMICS_COLUMNS,
            ("area_code", "period", "quarter", "industry_code", "measure", "source_table", "source_updated_at"),
        ),
        *common,
        Check("long", gxe.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^(?:SSS|KU\d{3})$"), "area codes"),
        Check(
            "long",
            gxe.ExpectColumnValuesToMatchRegex(column="industry_code", regex=r"^(?:SSS|[A-U]|X)$"),
            "TOL 2008 sections (SSS all, X unknown)",
        ),
        Check(
            "long",
            gxe.ExpectColumnValuesToBeInSet(column="measure", value_set=["aloittaneet", "lopettaneet", "yrityskanta"]),
            "measures",
        ),
        Check("long", gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0), "counts are non-negative"),
    ]
    return run_checks("statfin/business_dynamics", {"long": frame, "derived": derived}, checks)


def validate_bankruptcies(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `statfin/bankruptcies` (kony: bankruptcies by region and month)."""
    common, derived = px_period_checks(frame, ["area_code", "period", "measure"])
    checks = [
        *schema_checks(
            LABOUR_MARKET_COLUMNS, ("area_code", "period", "month", "measure", "source_table", "source_updated_at")
        ),
        *common,
        Check("long", gxe.ExpectColumnValuesToMatchRegex(column="area_code", regex=r"^(?:SSS|MK\d{2})$"), "areas"),
        Check("long", gxe.ExpectColumnValuesToBeInSet(column="measure", value_set=["konkurssit"]), "measures"),
        Check("long", gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0), "counts are non-negative"),
    ]
    return run_checks("statfin/bankruptcies", {"long": frame, "derived": derived}, checks)


def validate_industry_classification(
    frame: pd.DataFrame, suite: str = "classifications/industry_classification"
) -> SuiteResult:
    """The blocking suite for tidy `classifications/industry_classification` (TOL 2008; TOL 2025 reuses it)."""
    sections = frame[frame["level"] == 1]
    divisions = frame[frame["level"] == 2]
    checks = [
        *classification_item_checks(),
        Check(
            "classified",
            gxe.ExpectColumnValuesToMatchRegex(column="code", regex=r"^(?:[A-Z]|\d{2,5})$"),
            "a section letter or 2-5 digits below the total",
        ),
        Check("sections", gxe.ExpectColumnValuesToMatchRegex(column="code", regex=r"^[A-Z]$"), "sections are letters"),
        Check("sections", gxe.ExpectTableRowCountToBeBetween(min_value=21, max_value=22), "21 sections A-U (22 A-V)"),
        Check("divisions", gxe.ExpectColumnValuesToMatchRegex(column="code", regex=r"^\d{2}$"), "2-digit divisions"),
        Check("divisions", gxe.ExpectColumnValuesToNotBeNull(column="parent_code"), "every division has a section"),
        Check("divisions", gxe.ExpectTableRowCountToBeBetween(min_value=80, max_value=100), "about 88 divisions"),
    ]
    frames = {**item_frames(frame), "sections": sections, "divisions": divisions}
    return run_checks(suite, frames, checks)


def validate_industry_classification_2025(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `classifications/industry_classification_2025` (TOL 2025, 22 sections A-V)."""
    return validate_industry_classification(frame, "classifications/industry_classification_2025")


def validate_industry_tol2025_tol2008(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `classifications/industry_tol2025_tol2008` (the TOL 2025 → 2008 maps)."""
    subclasses = frame[frame["source_code"].str.fullmatch(r"\d{5}")]
    checks = [
        *[
            Check("maps", gxe.ExpectColumnValuesToNotBeNull(column=c), f"{c} is never null")
            for c in ("source_code", "target_code", "source_classification_id", "target_classification_id")
        ],
        Check(
            "maps",
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["source_code", "target_code"]),
            "one row per code pair",
        ),
        Check(
            "maps",
            gxe.ExpectColumnValuesToMatchRegex(column="source_code", regex=r"^(?:[A-Z]|\d{2,5})$"),
            "TOL 2025 codes are a section letter or 2-5 digits",
        ),
        Check(
            "subclasses",
            gxe.ExpectColumnValuesToMatchRegex(column="target_code", regex=r"^\d{5}$"),
            "a TOL 2025 subclass maps to 5-digit TOL 2008 subclasses",
        ),
        Check("subclasses", gxe.ExpectTableRowCountToBeBetween(min_value=1), "subclasses are mapped"),
    ]
    return run_checks("classifications/industry_tol2025_tol2008", {"maps": frame, "subclasses": subclasses}, checks)


PRH_COMPANY_COLUMNS = schema_of("prh", "companies").names
PRH_SITUATION_COLUMNS = schema_of("prh", "company_situations").names
PRH_SITUATION_TYPES = {"KONK": "bankruptcy", "SELTILA": "liquidation", "SANE": "restructuring"}


def validate_prh_companies(
    companies: pd.DataFrame, situations: pd.DataFrame, today: pd.Timestamp | None = None
) -> SuiteResult:
    """The blocking suite for staged `prh/companies` and `prh/company_situations` (per-company facts)."""
    now = today if today is not None else pd.Timestamp.now(tz="UTC")
    today = (now.tz_convert(None) if now.tzinfo else now).normalize()
    registered = pd.to_datetime(companies["registration_date"])
    ended = pd.to_datetime(companies["end_date"])
    started = pd.to_datetime(situations["start_date"])
    closed = pd.to_datetime(situations["end_date"])
    dates = pd.DataFrame(
        {
            "registration_not_in_future": registered.isna() | (registered <= today),
            "end_not_in_future": ended.isna() | (ended <= today),
            "end_not_before_registration": ended.isna() | registered.isna() | (ended >= registered),
        }
    )
    industry = pd.DataFrame(
        {
            "industry_comes_with_its_code_set": companies["main_industry_code"].isna()
            == companies["industry_code_set"].isna(),
        }
    )
    events = pd.DataFrame(
        {
            "start_not_in_future": started.isna() | (started <= today),
            "end_not_before_start": closed.isna() | started.isna() | (closed >= started),
            "company_known": situations["business_id"].isin(companies["business_id"]),
            "type_matches_code": situations["situation_code"].map(PRH_SITUATION_TYPES) == situations["situation_type"],
        }
    )
    companies_schema = [
        Check(
            "companies", gxe.ExpectTableColumnsToMatchSet(column_set=PRH_COMPANY_COLUMNS, exact_match=True), "schema"
        ),
        *[
            Check("companies", gxe.ExpectColumnValuesToNotBeNull(column=c), f"{c} is never null")
            for c in ("business_id", "registration_date", "loaded_at", "is_sample_data")
        ],
    ]
    checks = [
        *companies_schema,
        Check("companies", gxe.ExpectTableRowCountToBeBetween(min_value=1), "at least one company"),
        Check(
            "companies",
            gxe.ExpectColumnValuesToMatchRegex(column="business_id", regex=r"^\d{7}-\d$"),
            "business ids like 1234567-8",
        ),
        Check("companies", gxe.ExpectColumnValuesToBeUnique(column="business_id"), "one row per company"),
        Check(
            "companies",
            gxe.ExpectColumnValuesToMatchRegex(column="municipality_code", regex=r"^\d{3}$"),
            "municipality codes of 3 digits",
        ),
        Check(
            "companies",
            gxe.ExpectColumnValuesToMatchRegex(column="main_industry_code", regex=r"^\d{5}$"),
            "main industry as a 5-digit TOL code",
        ),
        Check(
            "companies",
            gxe.ExpectColumnValuesToBeInSet(column="industry_code_set", value_set=["TOL2008", "TOL2025"]),
            "industry code sets",
        ),
        *[
            Check("dates", gxe.ExpectColumnValuesToBeInSet(column=c, value_set=[True]), c.replace("_", " "))
            for c in dates.columns
        ],
        Check(
            "industry",
            gxe.ExpectColumnValuesToBeInSet(column="industry_comes_with_its_code_set", value_set=[True]),
            "industry comes with its code set (TOIMI3/TOIMI4) or is unknown",
        ),
        Check(
            "situations",
            gxe.ExpectTableColumnsToMatchSet(column_set=PRH_SITUATION_COLUMNS, exact_match=True),
            "situations schema",
        ),
        *[
            Check("situations", gxe.ExpectColumnValuesToNotBeNull(column=c), f"situation {c} is never null")
            for c in ("business_id", "situation_type", "situation_code", "start_date")
        ],
        Check(
            "situations",
            gxe.ExpectColumnValuesToBeInSet(column="situation_code", value_set=sorted(PRH_SITUATION_TYPES)),
            "known situation types",
        ),
        *[
            Check("events", gxe.ExpectColumnValuesToBeInSet(column=c, value_set=[True]), c.replace("_", " "))
            for c in events.columns
        ],
    ]
    frames = {"companies": companies, "dates": dates, "industry": industry, "situations": situations, "events": events}
    return run_checks("prh/companies", frames, checks)


def validate_municipality_harmonisation(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for tidy `classifications/municipality_harmonisation` (municipal mergers)."""
    checks = [
        Check(
            "harmonisation",
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["valid_year", "municipality_code"]),
            "one row per year and municipality",
        ),
        *[
            Check("harmonisation", gxe.ExpectColumnValuesToMatchRegex(column=c, regex=r"^KU\d{3}$"), f"{c}: KU codes")
            for c in ("municipality_code", "current_municipality_code")
        ],
        *[
            Check("harmonisation", gxe.ExpectColumnValuesToNotBeNull(column=c), f"{c} is never null")
            for c in ("valid_year", "municipality_code", "current_municipality_code", "is_merged")
        ],
        Check(
            "harmonisation",
            gxe.ExpectColumnValuesToBeBetween(column="valid_year", min_value=1990, max_value=2100),
            "plausible years",
        ),
    ]
    return run_checks("classifications/municipality_harmonisation", {"harmonisation": frame}, checks)


RELEASES_COLUMNS = schema_of("statfin", "labour_market_releases").names
RELEASES_KEY = ["dataset", "area_code", "month", "measure", "breakdown", "source_updated_at"]


def validate_figure_releases(frame: pd.DataFrame) -> SuiteResult:
    """The blocking suite for a release history (`<dataset>_releases`, ingestion/figure_releases.py).

    One row per figure and release, one landing version per release, and a value missing only where
    the release suppressed it.
    """
    versions = frame.groupby("source_updated_at")["landing_version"].nunique().rename("versions").reset_index()
    derived = pd.DataFrame({"suppressed_iff_missing": frame["is_suppressed"] == frame["value"].isna()})
    checks = [
        *schema_checks(
            RELEASES_COLUMNS,
            ("dataset", "area_code", "month", "measure", "breakdown", "source_updated_at", "landing_version"),
        ),
        Check("long", gxe.ExpectCompoundColumnsToBeUnique(column_list=RELEASES_KEY), "one row per figure and release"),
        Check(
            "long",
            gxe.ExpectColumnValuesToBeInSet(
                column="dataset", value_set=["statfin/labour_market", "kela/unemployment_benefit"]
            ),
            "datasets with a release history",
        ),
        Check(
            "long",
            gxe.ExpectColumnValuesToMatchRegex(
                column="area_code", regex=r"^(?:SSS|MK\w{2}|SK\w{3,4}|KU\w{3,4}|TA\d{2})$"
            ),
            "area codes",
        ),
        Check("versions", gxe.ExpectColumnValuesToBeBetween(column="versions", max_value=1), "one version per release"),
        Check(
            "derived",
            gxe.ExpectColumnValuesToBeInSet(column="suppressed_iff_missing", value_set=[True]),
            "a value is missing exactly when it is flagged suppressed",
        ),
    ]
    return run_checks("figure_releases", {"long": frame, "versions": versions, "derived": derived}, checks)
