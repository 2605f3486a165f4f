"""The YRMU company-form code list landed with each dump: housing and mutual property companies are flagged
from their descriptions, not from hard-coded codes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.errors import SourceError
from ingestion.prh.schemas import FORMS_ENDPOINT, FORMS_SCHEMA, SOURCE

# Company forms left out of business counts, recognised by their Finnish description in YRMU.
HOUSING_FORM = re.compile(r"\basunto-osakeyhtiö|keskinäinen kiinteistö", re.IGNORECASE)


def parse_company_forms(text: str) -> list[dict[str, Any]]:
    """`GET /description?code=YRMU&lang=fi` (tab-separated code and description) as rows.

    The exact layout is not documented: a header line, blank lines and extra columns are tolerated;
    a code is 1–4 letters or digits. Housing companies (asunto-osakeyhtiö) and mutual property
    companies (keskinäinen kiinteistöosakeyhtiö) are flagged from the description; a list naming
    neither fails, since business counts would then silently include them.
    """
    rows: dict[str, dict[str, Any]] = {}
    for line in text.lstrip("\ufeff").splitlines():
        fields = [f.strip().strip('"') for f in line.split("\t")]
        if len(fields) < 2 or not re.fullmatch(r"[0-9A-Za-zÅÄÖåäö]{1,4}", fields[0]) or not fields[1]:
            continue
        code, description = fields[0], fields[1]
        rows[code] = {
            "company_form_code": code,
            "company_form_fi": description,
            "is_housing_or_property_company": HOUSING_FORM.search(description) is not None,
        }
    if not rows:
        raise SourceError(
            SOURCE, f"{FORMS_ENDPOINT}?code=YRMU", text[:80], "expected lines of code<TAB>description, found none"
        )
    if not any(r["is_housing_or_property_company"] for r in rows.values()):
        names = ", ".join(f"{r['company_form_code']} {r['company_form_fi']}" for r in rows.values())
        raise SourceError(
            SOURCE,
            f"{FORMS_ENDPOINT}?code=YRMU",
            names[:400],
            "expected 'Asunto-osakeyhtiö' or 'Keskinäinen kiinteistöosakeyhtiö' among the company forms",
        )
    return list(rows.values())


def write_company_forms(tsv: Path, target: Path, *, is_sample_data: bool) -> Path:
    """Parse the landed YRMU list into `target` (Parquet)."""
    try:
        text = tsv.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(SOURCE, f"{FORMS_ENDPOINT}?code=YRMU", tsv.name, "not UTF-8 text") from exc
    rows = parse_company_forms(text)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    for row in rows:
        row.update(loaded_at=loaded_at, is_sample_data=is_sample_data)
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=FORMS_SCHEMA), target, compression="zstd")
    return target
