"""Sample mode: a requests transport adapter that answers from the bundled snapshot.

It sits below the real session, so the sample refresh runs the same clients, throttling, size caps,
landing and parsers as a live one. It behaves like the APIs where that matters to the clients:
PxWeb data queries are answered by slicing the recorded cube exactly as the server would (with the
server's cell limit and its refusals), and unknown paths answer 404.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import zipfile
from email.utils import parsedate_to_datetime
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ingestion.settings import Settings

SNAPSHOT_DIR = Path(__file__).parent / "sample_snapshot"
# Earlier releases of 12r5 and Kela: per release, the files that differ from the newest (sample_snapshot/releases.py).
RELEASES_DIR = "releases"
SYMBOLS = ("", "...", "..", ".", "-")
# Where the recorded CKAN package documents point their resources (the portal's own file store).
CKAN_RESOURCE_PREFIX = "https://www.avoindata.fi/data/dataset"
# The host the classification service writes inside its answers (SOURCES.md §2).
CANONICAL_CLASSIFICATION_URL = "https://api.stat.fi/classificationservice/open/api/classifications/v2"


class PxCube:
    """A whole PxWeb table held as a json-stat2 cube, sliced per query like the server does."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.ids: list[str] = doc["id"]
        self.sizes: list[int] = doc["size"]
        self.codes = {
            d: sorted(doc["dimension"][d]["category"]["index"], key=doc["dimension"][d]["category"]["index"].get)
            for d in self.ids
        }
        values = np.array([np.nan if v is None else v for v in doc["value"]], dtype="float64")
        self.values = values.reshape(self.sizes)
        status = np.zeros(math.prod(self.sizes), dtype="int8")
        for index, symbol in (doc.get("status") or {}).items():
            status[int(index)] = SYMBOLS.index(symbol)
        self.status = status.reshape(self.sizes)

    def answer(self, body: dict[str, Any], max_cells: int) -> tuple[int, dict[str, Any]]:
        """HTTP status and JSON body for one data query."""
        wanted = {q["code"]: q["selection"] for q in body.get("query", [])}
        unknown = set(wanted) - set(self.ids)
        if unknown:
            return 400, {"error": f"Unknown variable {sorted(unknown)[0]}"}
        picks: list[list[int]] = []
        for dim in self.ids:
            if dim not in wanted:
                return 400, {"error": f"Variable {dim} is mandatory and must be selected"}
            selection, codes = wanted[dim], self.codes[dim]
            kind, values = selection.get("filter"), selection.get("values", [])
            if kind == "all" or values == ["*"]:
                picks.append(list(range(len(codes))))
            elif kind == "top":
                picks.append(list(range(len(codes)))[-int(values[0]) :])
            elif kind == "item":
                position = {c: i for i, c in enumerate(codes)}
                missing = [v for v in values if v not in position]
                if missing:
                    return 400, {"error": f"Value {missing[0]} not found in variable {dim}"}
                picks.append([position[v] for v in values])
            else:
                return 400, {"error": f"Unsupported filter {kind!r}"}
        cells = math.prod(len(p) for p in picks)
        if cells > max_cells:
            return 403, {"error": f"Too many cells selected ({cells} > {max_cells})"}
        grid = np.ix_(*picks)
        values = self.values[grid].ravel()
        status = self.status[grid].ravel()
        dimension = {}
        for dim, pick in zip(self.ids, picks, strict=True):
            source = self.doc["dimension"][dim]
            chosen = [self.codes[dim][i] for i in pick]
            labels = source["category"].get("label", {})
            dimension[dim] = {
                "label": source.get("label", dim),
                "category": {
                    "index": {c: i for i, c in enumerate(chosen)},
                    "label": {c: labels.get(c, c) for c in chosen},
                },
            }
        out = {k: v for k, v in self.doc.items() if k not in ("dimension", "value", "status", "size")}
        out["size"] = [len(p) for p in picks]
        out["dimension"] = dimension
        out["value"] = [None if math.isnan(v) else (int(v) if float(v).is_integer() else float(v)) for v in values]
        flagged = np.flatnonzero(status)
        if flagged.size:
            out["status"] = {str(int(i)): SYMBOLS[status[i]] for i in flagged}
        return 200, out


@lru_cache(maxsize=2)
def load_companies(path: Path) -> list[dict[str, Any]]:
    """The sample PRH dump's records sorted by business id (what `/companies` searches)."""
    with zipfile.ZipFile(path) as archive:
        records = json.loads(archive.read(archive.infolist()[0]))
    return sorted(records, key=lambda r: r["businessId"]["value"])


def _matches(record: dict[str, Any], query: dict[str, list[str]]) -> bool:
    """The `/companies` filters the clients use, applied like the API does."""
    first = {k: v[0] for k, v in query.items() if v and v[0]}
    registered = record.get("registrationDate") or ""
    offices = [o for a in record.get("addresses") or [] for o in a.get("postOffices") or []]
    checks = {
        "businessId": lambda v: record["businessId"]["value"] == v,
        "registrationDateStart": lambda v: registered >= v,
        "registrationDateEnd": lambda v: registered <= v,
        "companyForm": lambda v: any(f.get("type") == v for f in record.get("companyForms") or []),
        "mainBusinessLine": lambda v: str((record.get("mainBusinessLine") or {}).get("type", "")).startswith(v),
        "location": lambda v: any(o.get("city", "").upper() == v.upper() for o in offices),
        "postCode": lambda v: any(a.get("postCode") == v for a in record.get("addresses") or []),
    }
    return all(check(first[name]) for name, check in checks.items() if name in first)


@lru_cache(maxsize=8)
def load_cube(path: Path) -> PxCube:
    """Read (once per process) a gzip json-stat2 cube of the snapshot."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return PxCube(json.load(fh))


@lru_cache(maxsize=4)
def load_release_cube(path: Path, release: Path) -> PxCube:
    """The cube as an earlier release published it: its stamp, its months, its (revised) values.

    `release` is the generator's `<table>.release.json`: `updated`, `last_period` and the `cells`
    ([area, period, content, value]) whose value differed in that release.
    """
    patch = json.loads(release.read_text(encoding="utf-8"))
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    cube = PxCube(doc)
    index = {dim: {code: i for i, code in enumerate(cube.codes[dim])} for dim in cube.ids}
    for *codes, value in patch["cells"]:
        cube.values[tuple(index[dim][code] for dim, code in zip(cube.ids, codes, strict=True))] = value
    time = doc["role"]["time"][0]
    axis = cube.ids.index(time)
    keep = [i for i, code in enumerate(cube.codes[time]) if code <= patch["last_period"]]
    cube.values = np.take(cube.values, keep, axis=axis)
    cube.status = np.take(cube.status, keep, axis=axis)
    cube.codes[time] = [cube.codes[time][i] for i in keep]
    cube.sizes[axis] = len(keep)
    cube.doc = {**doc, "updated": patch["updated"]}
    return cube


class SnapshotAdapter(BaseAdapter):
    """Serve PxWeb and classification-service requests from files under `root`."""

    def __init__(
        self,
        root: Path,
        pxweb_base_url: str,
        classification_base_url: str,
        ckan_base_url: str | None = None,
        prh_base_url: str | None = None,
    ) -> None:
        super().__init__()
        self.root = root
        self.pxweb_base_url = pxweb_base_url.rstrip("/")
        self.classification_base_url = classification_base_url.rstrip("/")
        self.ckan_base_url = (ckan_base_url or "").rstrip("/")
        self.prh_base_url = (prh_base_url or "").rstrip("/")
        # Which shipped PRH dump `/all_companies` serves (YYYYMMDD); None serves the newest.
        self.prh_dump_date: str | None = None
        # An earlier release of 12r5 and Kela to serve (a directory under `releases/`); None serves the newest.
        self.release: str | None = None
        self.requests_seen: list[tuple[str, str]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        url = request.url or ""
        self.requests_seen.append((request.method or "GET", url))
        parts = urlsplit(url)
        query = parse_qs(parts.query, keep_blank_values=True)
        path = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
        if self.prh_base_url and path.startswith(self.prh_base_url):
            return self._prh(request, path[len(self.prh_base_url) :].strip("/"), query)
        if path.startswith(self.pxweb_base_url):
            status, body = self._pxweb(request, path[len(self.pxweb_base_url) :].strip("/"), query)
        elif path.startswith(self.classification_base_url):
            status, body = self._classification(path[len(self.classification_base_url) :].strip("/"), query)
        elif self.ckan_base_url and path.startswith(self.ckan_base_url):
            action = path[len(self.ckan_base_url) :].strip("/")
            status, body = self._file(f"ckan/{action}/{(query.get('id') or [''])[0]}.json")
        elif path.startswith(CKAN_RESOURCE_PREFIX):
            status, body = self._file(f"ckan/dataset/{path[len(CKAN_RESOURCE_PREFIX) :].strip('/')}")
        else:
            status, body = 404, b'{"error":"not in the sample snapshot"}'
        return self._response(request, status, body)

    def close(self) -> None:
        """Nothing to release: files are opened per request."""

    def releases(self) -> list[str]:
        """The earlier releases the snapshot holds, oldest first."""
        return sorted(p.name for p in (self.root / RELEASES_DIR).glob("*") if p.is_dir())

    def _release_file(self, relative: str) -> Path | None:
        """The selected earlier release's own copy of a file (`<file>` or `<file>.gz`), if it has one."""
        if self.release is None:
            return None
        base = self.root / RELEASES_DIR / self.release
        for candidate in (base / relative, base / f"{relative}.gz"):
            if base.resolve() in candidate.resolve().parents and candidate.is_file():
                return candidate
        return None

    def _file(self, relative: str) -> tuple[int, bytes]:
        own = self._release_file(relative)
        if own is not None:
            return 200, gzip.decompress(own.read_bytes()) if own.suffix == ".gz" else own.read_bytes()
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            return 404, json.dumps({"error": f"{relative} is not in the sample snapshot"}).encode()
        return 200, path.read_bytes()

    def prh_dump(self) -> Path | None:
        """The dump served at `/all_companies`: the one dated `prh_dump_date` (YYYYMMDD), else the newest."""
        dumps = sorted((self.root / "prh").glob("all_companies_*.zip"))
        if self.prh_dump_date is not None:
            dumps = [d for d in dumps if d.stem == f"all_companies_{self.prh_dump_date}"]
        return dumps[-1] if dumps else None

    def _prh(self, request: requests.PreparedRequest, path: str, query: dict[str, list[str]]) -> requests.Response:
        """PRH: a dated dump with ETag/Last-Modified (304 on a matching conditional GET), `/companies` paging
        over it, and the `/description` code lists as tab-separated text.

        Like the real API, a `/companies` page past the end answers with the first page.
        """
        dump = self.prh_dump()
        if path == "all_companies" and dump is not None:
            validators = json.loads(dump.with_name(f"{dump.name}.headers.json").read_text(encoding="utf-8"))
            etag, modified = validators["ETag"], validators["Last-Modified"]
            since = request.headers.get("If-Modified-Since")
            fresh = request.headers.get("If-None-Match") == etag or (
                since is not None
                and "If-None-Match" not in request.headers
                and parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
            )
            extra = {"ETag": etag, "Last-Modified": modified}
            if fresh:
                return self._response(request, 304, b"", extra)
            body = dump.read_bytes()
            extra["Content-Type"] = validators["Content-Type"]
            extra["Content-Disposition"] = validators["Content-Disposition"]
            if request.method == "HEAD":
                extra["Content-Length"] = str(len(body))
                return self._response(request, 200, b"", extra)
            return self._response(request, 200, body, extra)
        if path == "companies" and dump is not None:
            found = [r for r in load_companies(dump) if _matches(r, query)]
            page = int((query.get("page") or ["1"])[0] or 1)
            if page < 1 or (page - 1) * 100 >= len(found):
                page = 1
            doc = {"totalResults": len(found), "companies": found[(page - 1) * 100 : page * 100]}
            return self._response(request, 200, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        if path == "description":
            code, lang = (query.get("code") or [""])[0], (query.get("lang") or ["fi"])[0]
            status, body = self._file(f"prh/description_{code}_{lang}.tsv")
            if status == 200:
                return self._response(request, 200, body, {"Content-Type": "text/plain; charset=utf-8"})
        return self._response(request, 404, b'{"error":"not in the sample snapshot"}')

    def _pxweb(self, request: requests.PreparedRequest, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if "config" in query:
            return self._file("pxweb/config.json")
        if request.method == "POST":
            cube_path = self.root / "pxweb" / f"{path}.jsonstat2.json.gz"
            if not cube_path.is_file():
                return 404, b'{"error":"table not found"}'
            try:
                body = json.loads(request.body or b"{}")
            except json.JSONDecodeError:
                return 400, b'{"error":"query is not valid JSON"}'
            config = json.loads(self._file("pxweb/config.json")[1])
            patch = self._release_file(f"pxweb/{path}.release.json")
            cube = load_cube(cube_path) if patch is None else load_release_cube(cube_path, patch)
            status, doc = cube.answer(body, int(config.get("maxCells") or config["maxValues"]))
            return status, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if path.endswith(".px"):
            return self._file(f"pxweb/{path}.meta.json")
        return self._file(f"pxweb/{path}.json")

    def _classification(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        """Like the service: lists answer URI strings; maps and items answer objects only with content=data&meta=max.

        Without `content=data&meta=max`, maps answer `…/maps/{sourceCode}/{targetCode}?format=json` URIs
        and items their `…/classificationItems/{code}?format=json` URIs, on the canonical host.
        """
        if not path.endswith(("/maps", "/classificationItems")):
            return self._file(f"classifications/v2/{path}.json")
        language = (query.get("lang") or ["fi"])[0]
        status, body = self._file(f"classifications/v2/{path}.{language}.json")
        wants_objects = (query.get("content") or [""])[0] == "data" and (query.get("meta") or [""])[0] == "max"
        if status != 200 or wants_objects:
            return status, body
        base = f"{CANONICAL_CLASSIFICATION_URL}/{unquote(path)}"
        if path.endswith("/maps"):
            uris = [f"{base}/{m['sourceItem']['code']}/{m['targetItem']['code']}?format=json" for m in json.loads(body)]
        else:
            uris = [f"{base}/{item['code']}?format=json" for item in json.loads(body)]
        return 200, json.dumps(uris, ensure_ascii=False).encode("utf-8")

    @staticmethod
    def _response(
        request: requests.PreparedRequest, status: int, body: bytes, headers: dict[str, str] | None = None
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response.reason = HTTPStatus(status).phrase
        response.headers = CaseInsensitiveDict(
            {"Content-Type": "application/json; charset=utf-8", "Content-Length": str(len(body)), **(headers or {})}
        )
        response.raw = io.BytesIO(body)
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response


def mount_snapshot(session: requests.Session, settings: Settings, root: Path = SNAPSHOT_DIR) -> SnapshotAdapter:
    """Route the session's requests to the sources' base URLs into the snapshot."""
    adapter = SnapshotAdapter(
        root, settings.pxweb_base_url, settings.classification_base_url, settings.kela_base_url, settings.prh_base_url
    )
    session.mount(settings.prh_base_url, adapter)
    session.mount(settings.kela_base_url, adapter)
    session.mount(CKAN_RESOURCE_PREFIX, adapter)
    session.mount(settings.pxweb_base_url, adapter)
    session.mount(settings.classification_base_url, adapter)
    return adapter
