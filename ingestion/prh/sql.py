"""The company reduction of `records.py` as one DuckDB query over the dump's JSON array.

DuckDB's `read_json` parses the array with explicit columns (only the fields the facts need) and the
query applies the same rules as `reduce_company`: the company form in force, the record's registration
date before the business id's, the street address's municipality before the postal address's, the
code sets, and each open situation. A row is `unusual` when a value fails a rule (`reduce_company`
would raise) or has a shape whose text DuckDB and Python could render differently (a number or
boolean where a code or date is expected, a non-ASCII digit); one such row sends the whole dump to
`reduce_company`, which raises the error naming the business id, field and value, or gives the
same facts in the rare case the value is odd but allowed.
"""

from __future__ import annotations

from ingestion.prh.records import SITUATION_TYPES
from ingestion.prh.schemas import CODE_SETS

# The largest company record DuckDB reads (a real one is a few kB); its read buffers are sized from it.
# A larger record is not lost: DuckDB fails and the reference parse reads it.
MAX_OBJECT_BYTES = 4 * 1024 * 1024
TIMESTAMP = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
_COLUMNS = {
    "businessId": "STRUCT(value VARCHAR, registrationDate VARCHAR)",
    "mainBusinessLine": "STRUCT(type VARCHAR, typeCodeSet VARCHAR)",
    "companyForms": "STRUCT(type VARCHAR, registrationDate VARCHAR, endDate VARCHAR)[]",
    "companySituations": "STRUCT(type VARCHAR, registrationDate VARCHAR, endDate VARCHAR)[]",
    "addresses": "STRUCT(type VARCHAR, postOffices STRUCT(municipalityCode VARCHAR)[])[]",
    "registrationDate": "VARCHAR",
    "endDate": "VARCHAR",
    "lastModified": "VARCHAR",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _case(value: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"WHEN {_quote(k)} THEN {_quote(v)}" for k, v in mapping.items())
    return f"CASE {value} {whens} END"


def _date(value: str) -> str:
    """`_date` of records.py: empty is NULL, else the date of the first 10 characters."""
    return f"CASE WHEN coalesce({value}, '') = '' THEN NULL ELSE try_cast(left({value}, 10) AS DATE) END"


def _bad_date(value: str) -> str:
    """True where `_date` would raise (or where Python and DuckDB might read the text differently)."""
    return (
        f"(coalesce({value}, '') <> '' AND (NOT regexp_matches({value}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"OR left({value}, 4) = '0000' OR try_cast(left({value}, 10) AS DATE) IS NULL))"
    )


def _odd_code(value: str) -> str:
    """True for a code whose text may differ from Python's `str()` (not plain letters and digits)."""
    return f"({value} IS NOT NULL AND (NOT regexp_full_match({value}, '[0-9A-Za-z]*') OR {value} IN ('true', 'false')))"


def _odd_form_date(value: str) -> str:
    return f"(coalesce({value}, '') <> '' AND NOT regexp_matches({value}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}'))"


def _any(*terms: str) -> str:
    """True when any term is true; a NULL term (an absent list or field) counts as false."""
    return "(" + " OR ".join(f"coalesce({term}, false)" for term in terms) + ")"


def read_json_sql(paths: list[str]) -> str:
    """`read_json` of the dump's parts, in order, with the columns the facts need (the rest is skipped)."""
    columns = ", ".join(f"{_quote(k)}: {_quote(v)}" for k, v in _COLUMNS.items())
    options = f"format = 'array', records = true, compression = 'none', maximum_object_size = {MAX_OBJECT_BYTES}"
    files = "[" + ", ".join(_quote(p) for p in paths) + "]"
    return f"read_json({files}, {options}, columns = {{{columns}}})"


def reduce_sql(paths: list[str]) -> str:
    """One row per company in dump order: the facts of `reduce_company`, its situations and `unusual`."""
    known_sets = ", ".join(_quote(k) for k in CODE_SETS)
    situation = _any(
        "s IS NULL",
        f"s.type NOT IN ({', '.join(_quote(k) for k in SITUATION_TYPES)})",
        "s.type IS NULL",
        _bad_date("s.registrationDate"),
        _bad_date("s.endDate"),
    )
    form_dates = _any(_odd_form_date("f.registrationDate"), _odd_form_date("f.endDate"))
    stamp = "left(lastModified, 19)"
    unusual = _any(
        "NOT regexp_full_match(coalesce(business_id, ''), '[0-9]{7}-[0-9]')",
        f"NOT no_industry AND raw_set IN ({known_sets}) AND NOT regexp_full_match(mainBusinessLine.type, '[0-9]{{5}}')",
        _odd_code("raw_set"),
        _odd_code("form_type"),
        f"list_bool_or(list_transform(forms, lambda f: {form_dates}))",
        "municipality IS NOT NULL AND NOT regexp_full_match(municipality_code, '[0-9]{3}')",
        _bad_date("registrationDate"),
        f"coalesce(registrationDate, '') = '' AND {_bad_date('businessId.registrationDate')}",
        _bad_date("endDate"),
        f"coalesce(lastModified, '') <> '' AND try_strptime({stamp}, '%Y-%m-%dT%H:%M:%S') IS NULL",
        f"coalesce(lastModified, '') <> '' AND NOT regexp_full_match({stamp}, '{TIMESTAMP}')",
        f"list_bool_or(list_transform(companySituations, lambda s: {situation}))",
    )
    return f"""
WITH raw AS (
    SELECT * FROM {read_json_sql(paths)}
), picked AS (
    SELECT
        *,
        businessId.value AS business_id,
        nullif(mainBusinessLine.typeCodeSet, '') AS raw_set,
        coalesce(mainBusinessLine.type, '') = '' AS no_industry,
        list_filter(companyForms, lambda f: f IS NOT NULL) AS forms,
        list_filter(addresses, lambda a: a.type = '1')[1] AS street,
        list_filter(addresses, lambda a: a.type = '2')[1] AS postal
    FROM raw
), ranked AS (
    SELECT
        *,
        CASE WHEN len(list_filter(forms, lambda f: coalesce(f.endDate, '') = '')) > 0
            THEN list_filter(forms, lambda f: coalesce(f.endDate, '') = '') ELSE forms END AS candidates,
        coalesce(
            list_filter(
                list_transform(street.postOffices, lambda o: o.municipalityCode), lambda c: coalesce(c, '') <> ''
            )[1],
            list_filter(
                list_transform(postal.postOffices, lambda o: o.municipalityCode), lambda c: coalesce(c, '') <> ''
            )[1]
        ) AS municipality
    FROM picked
), chosen AS (
    SELECT
        *,
        list_filter(
            candidates,
            lambda f: coalesce(f.registrationDate, '')
                = list_max(list_transform(candidates, lambda c: coalesce(c.registrationDate, '')))
        )[1].type AS form_type,
        CASE WHEN length(municipality) < 3 THEN lpad(municipality, 3, '0') ELSE municipality END AS municipality_code
    FROM ranked
)
SELECT
    business_id,
    nullif(form_type, '') AS company_form_code,
    CASE WHEN NOT no_industry AND raw_set IN ({known_sets}) THEN mainBusinessLine.type END AS main_industry_code,
    CASE WHEN NOT no_industry THEN {_case("raw_set", CODE_SETS)} END AS industry_code_set,
    CASE WHEN NOT no_industry THEN coalesce(raw_set, '(none)') END AS industry_code_set_source,
    municipality_code,
    coalesce({_date("registrationDate")}, {_date("businessId.registrationDate")}) AS registration_date,
    {_date("endDate")} AS end_date,
    CASE WHEN coalesce(lastModified, '') = '' THEN NULL
        ELSE try_strptime({stamp}, '%Y-%m-%dT%H:%M:%S') END AS last_modified,
    list_transform(
        companySituations,
        lambda s: {{
            'situation_type': {_case("s.type", SITUATION_TYPES)},
            'situation_code': s.type,
            'start_date': {_date("s.registrationDate")},
            'end_date': {_date("s.endDate")}
        }}
    ) AS situations,
    {unusual} AS unusual
FROM chosen
"""
