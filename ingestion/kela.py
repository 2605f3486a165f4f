"""Kela's municipally co-financed unemployment benefit by employment area: a Frictionless Data Package on CKAN.

This module owns the whole source: the CKAN client, landing (`land_ckan_csv`) and tidying (`tidy_kela_benefit`).

`package_show?id=<package>` lists the package's resources: the `data.csv` and a `package.json` (profile
`data-package`) whose resource entry declares the CSV's dialect, encoding and schema (SOURCES.md §4). Both
are landed together; the CSV is read with what `package.json` declares, never with a guessed header.

The `frictionless` library is not used: it brings some twenty packages (petl, marko, simpleeval, pydantic,
jsonschema, typer, …) for what is here a handful of keys (`dialect.delimiter`/`quoteChar`, `encoding`,
`schema.fields[].name/type`, `missingValues`), and it reads row by row where pandas reads the ~15 MB file
in one pass.

Fields are mapped by name and meaning (`FIELD_ROLES`), because the employment-area package's own field list
is unverified: only `aikatyyppi = Kuukausi` rows are kept, the rows split by age group and sex are summed
(a person is in one age group and one sex in a month, so the sums are the area totals), and totals come only
from the accumulated-days class `Yhteensä` (a person can be in several classes). A pooled small group (an
area code such as `199`, or a name such as `Tuntematon`) is kept and labelled, without an employment area.
"""

from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import requests

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT, CkanCsvDataset
from ingestion.errors import SourceError
from ingestion.http import SourceSession, get_checked
from ingestion.jsonstat import load_json
from ingestion.landing import Landed, LandingVersion, fingerprint, read_manifest, unchanged_since
from ingestion.settings import Settings
from ingestion.staged_schemas import PROVENANCE, schema_of

SOURCE = "avoindata.fi CKAN"
TOTAL_CLASS = "Yhteensä"
MONTHLY = "kuukausi"
# Values of an age-group or sex field that are already a total over that field (then used instead of a sum).
TOTAL_VALUES = frozenset({"yhteensä", "yhteensa", "kaikki", "kaikki yhteensä"})
# Area names of a pooled group (under 4 people, or the area unknown).
POOLED_NAMES = frozenset({"tuntematon", "tieto puuttuu", "ei tiedossa", "muut", "muu"})
AREA_CODE = re.compile(r"^(?:TA)?0*(\d{1,2})$")
MONTH_TEXT = re.compile(r"^(\d{4})-?(0[1-9]|1[0-2])$")
NUMERIC_TYPES = frozenset({"integer", "number"})
DESCRIPTOR_NAMES = ("package.json", "datapackage.json")

# Role → field-name patterns in order of preference; the roles in REQUIRED (and a month) must be found.
FIELD_ROLES: dict[str, tuple[str, ...]] = {
    "period_type": (r"^aikatyyppi$",),
    "year_month": (r"^vuosikuukausi$",),
    "year": (r"^vuosi$",),
    "month_number": (r"^kuukausi_nro$", r"^kuukausi$"),
    "area_code": (r"^tyollisyysalue_nro$", r"^tyollisyysalue_koodi$", r"^tyollisyysalue_tunnus$"),
    "area_name": (r"^tyollisyysalue_nimi$", r"^tyollisyysalue$"),
    "benefit": (r"^etuus$", r"^etuus_nimi$", r"^etuuslaji$"),
    "days_class": (r"paivat?_luokka$",),
    "age_group": (r"^ikaryhma$",),
    "sex": (r"^sukupuoli$",),
    "recipients": (r"^saaja_lkm$", r"^saajat$", r"^saaja_maara$"),
    "compensated_days": (r"^korvattu_paiva_lkm$", r"^korvatut_paivat$"),
    "euros_paid": (r"^maksettu_eur$", r"^maksetut_eur(?:ot|oa)?$"),
    "municipal_share": (r"^kunta_osuus_eur$", r"^kunnan_osuus_eur$"),
}
REQUIRED = ("area_code", "benefit", "days_class", "recipients", "euros_paid")
MEASURES = {
    "recipients": "recipients",
    "compensated_days": "compensated_days",
    "euros_paid": "euros_paid",
    "municipal_share": "municipal_share_eur",
}
# The staged columns before provenance, as declared once in ingestion/staged_schemas.py.
TIDY_COLUMNS = [name for name in schema_of("kela", "unemployment_benefit").names if name not in dict(PROVENANCE)]


@dataclass(frozen=True)
class CkanResource:
    """One resource of a CKAN package."""

    id: str
    name: str
    url: str
    format: str
    last_modified: str | None

    @property
    def file_name(self) -> str:
        """The last segment of the resource URL (`data.csv`, `package.json`)."""
        return posixpath.basename(urlsplit(self.url).path)


@dataclass(frozen=True)
class FieldSpec:
    """One `schema.fields[]` entry of the Data Package."""

    name: str
    type: str
    decimal_char: str = "."
    group_char: str = ""


@dataclass(frozen=True)
class CsvLayout:
    """How the package's `package.json` says its CSV is written."""

    path: str
    delimiter: str
    quote_char: str
    double_quote: bool
    escape_char: str | None
    skip_initial_space: bool
    encoding: str
    fields: tuple[FieldSpec, ...]
    missing_values: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def package_show(session: SourceSession, base_url: str, package_id: str) -> tuple[dict[str, Any], requests.Response]:
    """The CKAN package document (`result`), failing with the portal's own error when it says so."""
    response = get_checked(session, SOURCE, f"{base_url.rstrip('/')}/package_show", params={"id": package_id})
    doc = load_json(response.content, f"{SOURCE} package_show {package_id}")
    if not isinstance(doc, dict) or doc.get("success") is not True or not isinstance(doc.get("result"), dict):
        error = doc.get("error") if isinstance(doc, dict) else type(doc).__name__
        raise SourceError(f"{SOURCE} package_show", "success", error, f"package {package_id!r} not returned")
    return doc["result"], response


def _resource(raw: dict[str, Any]) -> CkanResource:
    return CkanResource(
        id=str(raw.get("id")),
        name=str(raw.get("name")),
        url=str(raw["url"]),
        format=str(raw.get("format")),
        last_modified=raw.get("last_modified") or raw.get("metadata_modified") or raw.get("created"),
    )


def _resources(package: dict[str, Any]) -> list[dict[str, Any]]:
    resources = package.get("resources")
    if not isinstance(resources, list):
        raise SourceError(f"{SOURCE} {package.get('name')}", "resources", type(resources).__name__, "not a list")
    return [r for r in resources if isinstance(r, dict) and isinstance(r.get("url"), str) and r.get("url")]


def csv_resources(package: dict[str, Any], wanted_format: str = "CSV") -> list[CkanResource]:
    """Every resource of the wanted format; fails naming the formats offered when there is none."""
    resources = _resources(package)
    found = [_resource(r) for r in resources if str(r.get("format", "")).upper() == wanted_format.upper()]
    if not found:
        offered = sorted({str(r.get("format")) for r in package.get("resources") or [] if isinstance(r, dict)})
        raise SourceError(f"{SOURCE} {package.get('name')}", "resources[].format", offered, f"no {wanted_format}")
    return found


def choose_descriptor(package: dict[str, Any]) -> CkanResource:
    """The package's `package.json` resource (format JSON, or a URL ending in package.json)."""
    resources = [_resource(r) for r in _resources(package)]
    named = [r for r in resources if r.file_name.lower() in DESCRIPTOR_NAMES or r.name.lower() in DESCRIPTOR_NAMES]
    found = named or [r for r in resources if r.format.upper() == "JSON"]
    if not found:
        seen = sorted(f"{r.name} ({r.format})" for r in resources)
        raise SourceError(
            f"{SOURCE} {package.get('name')}", "resources[]", seen, "no package.json (Data Package) resource"
        )
    return max(found, key=lambda r: r.last_modified or "")


def choose_csv(package: dict[str, Any], layout: CsvLayout, wanted_format: str = "CSV") -> CkanResource:
    """The CSV resource that `package.json` describes, matched by file name (or the only CSV)."""
    found = csv_resources(package, wanted_format)
    wanted = posixpath.basename(layout.path)
    matching = [r for r in found if r.file_name == wanted] or [r for r in found if r.name == wanted]
    if len(matching) == 1 or (not matching and len(found) == 1):
        return (matching or found)[0]
    raise SourceError(
        f"{SOURCE} {package.get('name')}",
        "resources[].url",
        sorted(r.file_name for r in found),
        f"expected one CSV resource named {wanted!r} as package.json declares",
    )


def package_stamp(package: dict[str, Any], wanted_format: str = "CSV") -> str | None:
    """The release stamp: the newest `last_modified` of the CSV and `package.json` resources (None if unknown)."""
    chosen = [*csv_resources(package, wanted_format), choose_descriptor(package)]
    stamps = [r.last_modified for r in chosen]
    return None if any(s is None for s in stamps) else max(str(s) for s in stamps)


def download(session: SourceSession, resource: CkanResource) -> requests.Response:
    return get_checked(session, SOURCE, resource.url)


def _data_resource(doc: dict[str, Any], where: str) -> dict[str, Any]:
    """The CSV resource entry of a Data Package (or the document itself when it is one resource entry)."""
    if isinstance(doc.get("schema"), dict):
        return doc
    resources = doc.get("resources")
    if not isinstance(resources, list):
        raise SourceError(where, "resources", sorted(doc), "not a Data Package (no resources[] with a schema)")
    tabular = [
        r
        for r in resources
        if isinstance(r, dict)
        and isinstance(r.get("schema"), dict)
        and (str(r.get("format", "")).lower() == "csv" or str(r.get("path", "")).lower().endswith(".csv"))
    ]
    if len(tabular) != 1:
        names = [r.get("path") for r in resources if isinstance(r, dict)]
        raise SourceError(
            where, "resources[].path", names, f"expected one CSV resource with a schema, found {len(tabular)}"
        )
    return tabular[0]


def read_descriptor(body: bytes, where: str) -> CsvLayout:
    """The dialect, encoding and schema `package.json` declares for the CSV."""
    doc = load_json(body, where)
    if not isinstance(doc, dict):
        raise SourceError(where, "body", type(doc).__name__, "package.json is not a JSON object")
    resource = _data_resource(doc, where)
    path = resource.get("path", "data.csv")
    if not isinstance(path, str):
        raise SourceError(where, "resources[].path", path, "a CSV split into several files is not supported")
    dialect = resource.get("dialect") if isinstance(resource.get("dialect"), dict) else {}
    if dialect.get("header") is False:
        raise SourceError(where, "dialect.header", False, "a CSV without a header row is not supported")
    schema = resource["schema"]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        raise SourceError(where, "schema.fields", fields, "no field list")
    specs = []
    for raw in fields:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
            raise SourceError(where, "schema.fields[].name", raw, "a field without a name")
        specs.append(
            FieldSpec(
                name=raw["name"].strip(),
                type=str(raw.get("type", "string")).lower(),
                decimal_char=str(raw.get("decimalChar", ".")),
                group_char=str(raw.get("groupChar", "")),
            )
        )
    missing = schema.get("missingValues", [""])
    return CsvLayout(
        path=path,
        delimiter=str(dialect.get("delimiter", ",")),
        quote_char=str(dialect.get("quoteChar", '"')),
        double_quote=bool(dialect.get("doubleQuote", True)),
        escape_char=dialect.get("escapeChar") or None,
        skip_initial_space=bool(dialect.get("skipInitialSpace", False)),
        encoding=str(resource.get("encoding", "utf-8")),
        fields=tuple(specs),
        missing_values=tuple(str(v) for v in missing) if isinstance(missing, list) else ("",),
    )


def _decode(body: bytes, encoding: str, where: str) -> str:
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return body.decode(codec)
    except LookupError as exc:
        raise SourceError(where, "encoding", encoding, "package.json declares an unknown encoding") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(where, "encoding", repr(body[exc.start : exc.start + 8]), f"not {encoding}") from exc


def _numbers(values: pd.Series, spec: FieldSpec, where: str) -> pd.Series:
    """A declared integer/number column as float64 (missing values already NA)."""
    text = values.astype("string").str.strip()
    if spec.group_char:
        text = text.str.replace(spec.group_char, "", regex=False)
    if spec.decimal_char != ".":
        text = text.str.replace(spec.decimal_char, ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & text.notna()
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError(where, f"{spec.name} (line {line + 2})", values.iloc[line], f"not a {spec.type}")
    return numbers.astype("float64")


def read_csv(body: bytes, layout: CsvLayout, where: str) -> pd.DataFrame:
    """The CSV read with the declared dialect and encoding, its header checked against the declared fields.

    Columns keep their names; declared `integer`/`number` fields become float64, the rest stay text, and
    the declared missing values become NA.
    """
    text = _decode(body, layout.encoding, where)
    if not text.strip():
        raise SourceError(where, "body", "", "the CSV is empty")
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=layout.delimiter,
            quotechar=layout.quote_char,
            doublequote=layout.double_quote,
            escapechar=layout.escape_char,
            skipinitialspace=layout.skip_initial_space,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceError(where, "body", f"{len(body)} bytes", f"not a CSV as package.json declares ({exc})") from exc
    header = [str(c).strip() for c in frame.columns]
    if set(header) != set(layout.names) or len(header) != len(layout.names):
        missing = sorted(set(layout.names) - set(header))
        unexpected = sorted(set(header) - set(layout.names))
        raise SourceError(
            where,
            "header",
            header,
            f"the columns differ from the fields package.json declares: missing {missing}, unexpected {unexpected}",
        )
    frame.columns = header
    frame = frame[frame.ne("").any(axis=1)].reset_index(drop=True)
    if frame.empty:
        raise SourceError(where, "rows", 0, "the CSV has a header but no rows")
    frame = frame.mask(frame.isin(list(layout.missing_values)))
    for spec in layout.fields:
        if spec.type in NUMERIC_TYPES:
            frame[spec.name] = _numbers(frame[spec.name], spec, where)
    return frame


def map_fields(columns: list[str], where: str) -> dict[str, str]:
    """Role → column for the fields found; one sentence naming expected and found fields when a role is missing."""
    found: dict[str, str] = {}
    for role, patterns in FIELD_ROLES.items():
        for pattern in patterns:
            matches = [c for c in columns if re.search(pattern, c.lower())]
            if len(matches) == 1:
                found[role] = matches[0]
                break
            if len(matches) > 1:
                raise SourceError(where, "schema.fields", columns, f"several fields could be the {role}: {matches}")
    lacking = [role for role in REQUIRED if role not in found]
    if "year_month" not in found and not {"year", "month_number"} <= set(found):
        lacking.insert(0, "month")
    if lacking:
        expected = "; ".join(_expectation(role) for role in lacking)
        raise SourceError(
            where,
            "schema.fields",
            columns,
            f"cannot map the package's fields: expected {expected}, found {', '.join(columns)}",
        )
    return found


def _expectation(role: str) -> str:
    if role == "month":
        return "month (vuosikuukausi, or vuosi and kuukausi_nro)"
    names = [p.strip("^$").replace("(?:ot|oa)?", "") for p in FIELD_ROLES[role]]
    return f"{role} ({' or '.join(names)})"


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype("string").str.strip()


def _months(frame: pd.DataFrame, fields: dict[str, str], where: str) -> pd.Series:
    """First day of each row's month, from `vuosikuukausi` (YYYYMM) or `vuosi` + `kuukausi_nro`."""
    if "year_month" in fields:
        raw = frame[fields["year_month"]]
        column = fields["year_month"]
        text = raw.map(lambda v: f"{int(v)}" if isinstance(v, float) and v == v and v.is_integer() else v)
        text = text.astype("string").str.strip()
    else:
        column = f"{fields['year']}/{fields['month_number']}"
        year = pd.to_numeric(frame[fields["year"]], errors="coerce")
        month = pd.to_numeric(frame[fields["month_number"]], errors="coerce")
        text = year.map(lambda v: f"{int(v):04d}" if v == v else "") + month.map(
            lambda v: f"{int(v):02d}" if v == v else ""
        )
        text = text.astype("string")
    parts = text.str.extract(MONTH_TEXT)
    bad = parts[0].isna()
    if bad.any():
        raise SourceError(where, column, str(text[bad].iloc[0]), "not a month YYYYMM")
    return pd.to_datetime(parts[0] + "-" + parts[1] + "-01").dt.date


def _one_level(frame: pd.DataFrame, column: str | None) -> pd.DataFrame:
    """Rows of a field's total value when it has one; else every row (to be summed over the field)."""
    if column is None:
        return frame
    values = _text(frame, column).str.lower()
    totals = values.isin(TOTAL_VALUES)
    return frame[totals] if totals.any() else frame


def tidy_benefit(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Monthly rows by employment area, benefit and days class, summed over age group and sex.

    Returns the `TIDY_COLUMNS`; `is_total_class` marks the `Yhteensä` class, the only one that is a total.
    """
    fields = map_fields(list(frame.columns), where)
    if "period_type" in fields:
        kinds = _text(frame, fields["period_type"])
        monthly = kinds.str.lower() == MONTHLY
        if not monthly.any():
            raise SourceError(where, fields["period_type"], sorted(kinds.dropna().unique()), "no 'Kuukausi' rows")
        frame = frame[monthly.to_numpy()]
    frame = _one_level(_one_level(frame, fields.get("age_group")), fields.get("sex"))
    codes = _text(frame, fields["area_code"]).fillna("")
    names = _text(frame, fields["area_name"]).fillna("") if "area_name" in fields else pd.Series("", index=frame.index)
    number = codes.str.extract(AREA_CODE)[0]
    pooled = number.isna() | names.str.lower().isin(POOLED_NAMES)
    keyed = pd.DataFrame(
        {
            "month": _months(frame, fields, where),
            "area_code_in_source": codes,
            "employment_area_name": names,
            "benefit": _text(frame, fields["benefit"]),
            "days_class": _text(frame, fields["days_class"]),
            "age_group": _text(frame, fields["age_group"]) if "age_group" in fields else "",
            "sex": _text(frame, fields["sex"]) if "sex" in fields else "",
        }
    )
    keyed["employment_area_code"] = ("TA" + number.fillna("0").astype(int).map("{:02d}".format)).where(~pooled)
    keyed["is_pooled_area"] = pooled
    for column in ("benefit", "days_class"):
        blank = keyed[column].isna() | keyed[column].eq("")
        if blank.any():
            raise SourceError(where, fields[column], "", f"a row without its {column}")
    for role, column in MEASURES.items():
        keyed[column] = pd.to_numeric(frame[fields[role]], errors="coerce") if role in fields else float("nan")
    keys = ["area_code_in_source", "month", "benefit", "days_class"]
    cell = [*keys, "age_group", "sex"]
    duplicated = keyed.duplicated(cell, keep=False)
    if duplicated.any():
        first = keyed.loc[duplicated, cell].iloc[0]
        raise SourceError(where, "/".join(cell), "/".join(map(str, first)), "duplicate row")
    grouped = keyed.groupby(keys, sort=True, dropna=False)
    tidy = pd.concat(
        [
            grouped[["employment_area_code", "employment_area_name"]].first(),
            grouped["is_pooled_area"].all(),
            grouped[list(MEASURES.values())].sum(min_count=1),
        ],
        axis=1,
    ).reset_index()
    tidy["is_total_class"] = (tidy["days_class"] == TOTAL_CLASS).astype(bool)
    groups = tidy.groupby(["area_code_in_source", "month", "benefit"])["is_total_class"].any()
    if not groups.all():
        area, month, benefit = groups[~groups].index[0]
        raise SourceError(where, fields["days_class"], f"{area}/{month}/{benefit}", f"no {TOTAL_CLASS!r} row")
    for column in MEASURES.values():
        tidy[column] = tidy[column].astype("float64")
    for column in ("employment_area_name", "area_code_in_source", "benefit", "days_class"):
        tidy[column] = tidy[column].astype(str)
    tidy["employment_area_code"] = tidy["employment_area_code"].astype(object).where(~tidy["is_pooled_area"], None)
    tidy["is_pooled_area"] = tidy["is_pooled_area"].astype(bool)
    return tidy[TIDY_COLUMNS]


# --- Kela via the CKAN API -----------------------------------------------------------------------


def land_ckan_csv(
    settings: Settings, session: SourceSession, dataset: CkanCsvDataset = KELA_UNEMPLOYMENT_BENEFIT
) -> Landed:
    """Find the Data Package through `package_show` and land its `package.json` and `data.csv` together.

    Incremental: the CSV and package.json resources' ids, URLs and `last_modified` are compared with the
    last good version's; when equal nothing is downloaded. Each landing is the whole file, so revised months
    simply replace the earlier figures in the new version. The CSV is read with what package.json declares
    while landing, so a drifted file never becomes a good version.
    """
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        package, response = package_show(session, settings.kela_base_url, dataset.package_id)
        version.add("package_show.json", response, query={"id": dataset.package_id})
        descriptor = choose_descriptor(package)
        candidates = [descriptor, *csv_resources(package, dataset.resource_format)]
        stamp = package_stamp(package, dataset.resource_format)
        print_ = fingerprint(
            {"package": dataset.package_id, "resources": [[r.id, r.url, r.last_modified] for r in candidates]}
        )
        same = unchanged_since(settings, dataset.source, dataset.name, print_, stamp)
        if same is not None:
            version.discard()
            return same
        described = download(session, descriptor)
        layout = read_descriptor(described.content, f"{SOURCE} {descriptor.url}")
        version.add(
            "package.json", described, query={"resource": descriptor.id}, source_updated=descriptor.last_modified
        )
        resource = choose_csv(package, layout, dataset.resource_format)
        response = download(session, resource)
        where = f"{SOURCE} {resource.url}"
        tidy = tidy_benefit(read_csv(response.content, layout, where), where)
        version.add("data.csv", response, query={"resource": resource.id}, source_updated=resource.last_modified)
        version.manifest.source_updated = stamp
        version.manifest.details = {
            "package": dataset.package_id,
            "resource": {"id": resource.id, "name": resource.name, "url": resource.url, "format": resource.format},
            "descriptor": {"id": descriptor.id, "url": descriptor.url},
            "fields": layout.names,
            "rows": len(tidy),
            "periods": [str(tidy["month"].min())[:7], str(tidy["month"].max())[:7]],
            "latest_period": str(tidy["month"].max())[:7],
            "fingerprint": print_,
        }
    return Landed(version.final_dir, version.manifest)


def tidy_kela_benefit(version_dir: Path, dataset: CkanCsvDataset = KELA_UNEMPLOYMENT_BENEFIT) -> pd.DataFrame:
    """The landed CSV, read with the landed package.json, as tidy rows with provenance (see kela.tidy_benefit)."""
    manifest = read_manifest(version_dir)
    where = f"{SOURCE} {manifest.details['resource']['url']}"
    if not (version_dir / "package.json").is_file():
        raise SourceError(where, "package.json", version_dir.name, "not landed with this version; refresh Kela")
    layout = read_descriptor((version_dir / "package.json").read_bytes(), f"{where} package.json")
    tidy = tidy_benefit(read_csv((version_dir / "data.csv").read_bytes(), layout, where), where)
    tidy["source_table"] = f"avoindata.fi/{dataset.package_id}"
    tidy["source_updated_at"] = pd.to_datetime(manifest.source_updated, utc=True).tz_localize(None)
    tidy["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    tidy["is_sample_data"] = manifest.mode == "sample"
    return tidy.sort_values(["area_code_in_source", "month", "benefit", "days_class"], ignore_index=True)
