"""The `/companies` search with paging (100 a page, throttled to the API's shared limit, guarded against
the page past the end that returns the first page again); the source checks probe the API with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ingestion.errors import SourceError
from ingestion.http import SourceSession, get_checked
from ingestion.prh.schemas import RATE_LIMIT, SOURCE

PAGE_SIZE = 100


class CompaniesClient:
    """`GET /companies`: 100 a page, throttled to the shared limit, guarded against the page-1 trap.

    A page past the end silently returns the first page again, so paging stops on
    `page * 100 >= totalResults` and a page repeating an earlier one fails loudly.
    """

    def __init__(self, session: SourceSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        session.set_rate_limit(self.base_url, RATE_LIMIT)

    def page(self, page: int, **params: str) -> dict[str, Any]:
        """One page of results (`page` counts from 1)."""
        url = f"{self.base_url}/companies"
        response = get_checked(self.session, SOURCE, url, params={**params, "page": page})
        try:
            doc = response.json()
        except ValueError as exc:
            raise SourceError(SOURCE, f"/companies page {page}", response.text[:80], "not JSON") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("companies"), list):
            raise SourceError(SOURCE, f"/companies page {page}", type(doc).__name__, "no companies[] in the answer")
        if not isinstance(doc.get("totalResults"), int):
            raise SourceError(SOURCE, "totalResults", doc.get("totalResults"), "not a whole number")
        return doc

    def search(self, **params: str) -> Iterator[dict[str, Any]]:
        """Every company matching the filters (e.g. `registrationDateStart="2026-11-01"`)."""
        seen_pages: dict[tuple[str, ...], int] = {}
        number = 1
        while True:
            doc = self.page(number, **params)
            companies = doc["companies"]
            ids = tuple(str((c.get("businessId") or {}).get("value")) for c in companies if isinstance(c, dict))
            if ids and ids in seen_pages:
                raise SourceError(
                    SOURCE,
                    "/companies page",
                    number,
                    f"repeats page {seen_pages[ids]} (a page past the end returns the first page)",
                )
            seen_pages[ids] = number
            yield from companies
            if number * PAGE_SIZE >= doc["totalResults"] or not companies:
                return
            number += 1


def registered_since(session: SourceSession, base_url: str, start: date) -> list[dict[str, Any]]:
    """Companies registered on or after `start`: the incremental lookup between two daily dumps."""
    return list(CompaniesClient(session, base_url).search(registrationDateStart=start.isoformat()))
