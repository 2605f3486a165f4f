"""Kela's municipally co-financed unemployment benefit by employment area, found through the CKAN API.

`package_show?id=<package>` lists the package's resources with their `url` and `last_modified`; the
CSV resource is downloaded from its `url`. Column names of the CSV are not documented, so the header
is checked against the catalogue's explicit expected set and a mismatch names what is missing and
what is unexpected. The same person can be counted in several accumulated-days classes: totals come
only from the class `Yhteensä`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import requests

from ingestion.catalogue import CkanCsvDataset
from ingestion.errors import SourceError
from ingestion.http import SourceSession, get_checked
from ingestion.jsonstat import load_json

SOURCE = "avoindata.fi CKAN"
TOTAL_CLASS = "Yhteensä"
MONTH = re.compile(r"^(\d{4})-?(0[1-9]|1[0-2])$")
AREA = re.compile(r"^(?:TA)?(\d{1,2})$")


@dataclass(frozen=True)
class CkanResource:
    """The chosen resource of a package."""

    id: str
    name: str
    url: str
    format: str
    last_modified: str | None


def package_show(session: SourceSession, base_url: str, package_id: str) -> tuple[dict[str, Any], requests.Response]:
    """The CKAN package document (`result`), failing with the portal's own error when it says so."""
    response = get_checked(session, SOURCE, f"{base_url.rstrip('/')}/package_show", params={"id": package_id})
    doc = load_json(response.content, f"{SOURCE} package_show {package_id}")
    if not isinstance(doc, dict) or doc.get("success") is not True or not isinstance(doc.get("result"), dict):
        error = doc.get("error") if isinstance(doc, dict) else type(doc).__name__
        raise SourceError(f"{SOURCE} package_show", "success", error, f"package {package_id!r} not returned")
    return doc["result"], response


def choose_resource(package: dict[str, Any], wanted_format: str) -> CkanResource:
    """The newest resource of the wanted format; fails naming the formats offered when none matches."""
    resources = [r for r in package.get("resources") or [] if isinstance(r, dict)]
    matching = [r for r in resources if str(r.get("format", "")).upper() == wanted_format.upper() and r.get("url")]
    if not matching:
        offered = sorted({str(r.get("format")) for r in resources})
        raise SourceError(f"{SOURCE} {package.get('name')}", "resources[].format", offered, f"no {wanted_format}")
    chosen = max(matching, key=lambda r: str(r.get("last_modified") or r.get("created") or ""))
    return CkanResource(
        id=str(chosen.get("id")),
        name=str(chosen.get("name")),
        url=str(chosen["url"]),
        format=str(chosen.get("format")),
        last_modified=chosen.get("last_modified") or chosen.get("metadata_modified") or chosen.get("created"),
    )


def download(session: SourceSession, resource: CkanResource) -> requests.Response:
    return get_checked(session, SOURCE, resource.url)


def _number(raw: str, column: str, line: int, where: str) -> float | None:
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if text in ("", ".", "..", "...", "-"):
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError as exc:
        raise SourceError(where, f"{column} (line {line})", raw, "not a number") from exc


def parse_csv(body: bytes, dataset: CkanCsvDataset, where: str) -> pd.DataFrame:
    """Validate the header and parse the rows into typed columns (names kept as in the file)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(where, "encoding", repr(body[exc.start : exc.start + 8]), "not UTF-8") from exc
    if not text.strip():
        raise SourceError(where, "body", "", "the CSV is empty")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    expected = set(dataset.expected_columns)
    if set(header) != expected or len(header) != len(expected):
        missing = sorted(expected - set(header))
        unexpected = sorted(set(header) - expected)
        raise SourceError(
            where, "header", header, f"columns differ from the expected set: missing {missing}, unexpected {unexpected}"
        )
    rows = []
    for line, record in enumerate(reader, start=2):
        if not record or all(not cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise SourceError(where, f"line {line}", record, f"{len(record)} fields, header has {len(header)}")
        rows.append(dict(zip(header, record, strict=True)))
    if not rows:
        raise SourceError(where, "rows", 0, "the CSV has a header but no rows")
    frame = pd.DataFrame(rows)
    for column in ("SAAJAT", "MAKSETUT_EUROA"):
        frame[column] = [_number(v, column, i + 2, where) for i, v in enumerate(frame[column])]
    return frame


def tidy_benefit(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Rows of month, employment_area_code, benefit, days class, recipients, euros and the total-class flag."""
    months = frame["TILASTOKUUKAUSI"].str.strip()
    parsed = months.str.extract(MONTH)
    bad = parsed[0].isna()
    if bad.any():
        raise SourceError(where, "TILASTOKUUKAUSI", months[bad].iloc[0], "not a month YYYY-MM")
    areas = frame["TYOLLISYYSALUE_KOODI"].str.strip().str.extract(AREA)[0]
    bad = areas.isna()
    if bad.any():
        raise SourceError(where, "TYOLLISYYSALUE_KOODI", frame["TYOLLISYYSALUE_KOODI"][bad].iloc[0], "not an area")
    tidy = pd.DataFrame(
        {
            "month": pd.to_datetime(parsed[0] + "-" + parsed[1] + "-01").dt.date,
            "employment_area_code": "TA" + areas.astype(int).map("{:02d}".format),
            "employment_area_name": frame["TYOLLISYYSALUE_NIMI"].str.strip(),
            "benefit": frame["ETUUS"].str.strip(),
            "days_class": frame["KERTYNEET_PAIVAT_LUOKKA"].str.strip(),
            "recipients": frame["SAAJAT"].astype("float64"),
            "euros_paid": frame["MAKSETUT_EUROA"].astype("float64"),
        }
    )
    tidy["is_total_class"] = tidy["days_class"] == TOTAL_CLASS
    keys = ["employment_area_code", "month", "benefit", "days_class"]
    duplicated = tidy.duplicated(keys, keep=False)
    if duplicated.any():
        first = tidy.loc[duplicated, keys].iloc[0]
        raise SourceError(where, "/".join(keys), "/".join(map(str, first)), "duplicate row")
    groups = tidy.groupby(["employment_area_code", "month", "benefit"])["is_total_class"].any()
    if not groups.all():
        area, month, benefit = groups[~groups].index[0]
        raise SourceError(where, "KERTYNEET_PAIVAT_LUOKKA", f"{area}/{month}/{benefit}", f"no {TOTAL_CLASS!r} row")
    return tidy
