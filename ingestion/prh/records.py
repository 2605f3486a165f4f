"""One company record of the dump reduced to the facts counts need (no names, street addresses or other
personal data), with its open situations mapped to bankruptcy, liquidation or restructuring.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from ingestion.errors import SourceError
from ingestion.prh.schemas import CODE_SETS, ISO_DATE, SOURCE

SITUATION_TYPES = {"KONK": "bankruptcy", "SELTILA": "liquidation", "SANE": "restructuring"}
STREET_ADDRESS, POSTAL_ADDRESS = 1, 2
BUSINESS_ID = re.compile(r"^\d{7}-\d$")
TOL_CODE = re.compile(r"^\d{5}$")


def _date(value: Any, business_id: str, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise SourceError(SOURCE, f"{field} of {business_id}", value, "not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise SourceError(SOURCE, f"{field} of {business_id}", value, "not a valid date") from exc


def _timestamp(value: Any, business_id: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value)[:19])
    except ValueError as exc:
        raise SourceError(SOURCE, f"lastModified of {business_id}", value, "not a timestamp") from exc


def _current(entries: Any) -> dict[str, Any] | None:
    """The entry in force: without an end date, else the latest registered."""
    items = [e for e in entries or [] if isinstance(e, dict)]
    if not items:
        return None
    live = [e for e in items if not e.get("endDate")]
    return max(live or items, key=lambda e: str(e.get("registrationDate") or ""))


def _municipality(addresses: Any, business_id: str) -> str | None:
    """Municipality of the street address (type 1), else of the postal address (type 2)."""
    by_type: dict[int, dict[str, Any]] = {}
    for address in addresses or []:
        if isinstance(address, dict) and str(address.get("type")) in ("1", "2"):
            by_type.setdefault(int(address["type"]), address)
    for kind in (STREET_ADDRESS, POSTAL_ADDRESS):
        address = by_type.get(kind)
        if address is None:
            continue
        for office in address.get("postOffices") or []:
            code = office.get("municipalityCode") if isinstance(office, dict) else None
            if code in (None, ""):
                continue
            text = str(code).zfill(3)
            if not re.fullmatch(r"\d{3}", text):
                raise SourceError(
                    SOURCE, f"addresses[type={kind}].municipalityCode of {business_id}", code, "not 3 digits"
                )
            return text
    return None


def reduce_company(record: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The per-company facts and its insolvency situations; nothing personal (no names or streets)."""
    if not isinstance(record, dict):
        raise SourceError(SOURCE, "company record", type(record).__name__, "not a JSON object")
    business = record.get("businessId")
    business_id = business.get("value") if isinstance(business, dict) else None
    if not isinstance(business_id, str) or not BUSINESS_ID.match(business_id):
        raise SourceError(SOURCE, "businessId.value", business_id, "not a business id like 1234567-8")
    line = record.get("mainBusinessLine") or {}
    industry = line.get("type") if isinstance(line, dict) else None
    raw_set = line.get("typeCodeSet") if isinstance(line, dict) else None
    raw_set = None if raw_set in (None, "") else str(raw_set)
    code_set = CODE_SETS.get(raw_set) if raw_set else None
    if industry in (None, ""):
        industry, code_set, raw_set = None, None, None
    elif code_set is None:
        # an older or new code set: the industry is unknown here, counted by `unknown_code_sets`
        industry = None
        raw_set = raw_set or "(none)"
    else:
        industry = str(industry)
        if not TOL_CODE.match(industry):
            raise SourceError(SOURCE, f"mainBusinessLine.type of {business_id}", industry, "not a 5-digit TOL code")
    form = _current(record.get("companyForms"))
    registered = _date(record.get("registrationDate"), business_id, "registrationDate") or _date(
        business.get("registrationDate"), business_id, "businessId.registrationDate"
    )
    modified = record.get("lastModified")
    company = {
        "business_id": business_id,
        "company_form_code": str(form["type"]) if form and form.get("type") not in (None, "") else None,
        "main_industry_code": industry,
        "industry_code_set": code_set,
        "industry_code_set_source": raw_set,
        "municipality_code": _municipality(record.get("addresses"), business_id),
        "registration_date": registered,
        "end_date": _date(record.get("endDate"), business_id, "endDate"),
        "last_modified": _timestamp(modified, business_id),
    }
    situations = []
    for situation in record.get("companySituations") or []:
        code = str(situation.get("type")) if isinstance(situation, dict) else None
        if code not in SITUATION_TYPES:
            raise SourceError(SOURCE, f"companySituations.type of {business_id}", code, "unknown situation type")
        situations.append(
            {
                "business_id": business_id,
                "situation_type": SITUATION_TYPES[code],
                "situation_code": code,
                "start_date": _date(
                    situation.get("registrationDate"), business_id, "companySituations.registrationDate"
                ),
                "end_date": _date(situation.get("endDate"), business_id, "companySituations.endDate"),
            }
        )
    return company, situations
