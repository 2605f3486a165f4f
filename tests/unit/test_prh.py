"""PRH company register: streaming dump parser, archive safety, conditional landing and /companies paging."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import ijson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests
from requests.adapters import BaseAdapter

from ingestion.catalogue import PRH_COMPANIES
from ingestion.errors import SourceError
from ingestion.http import SourceSession, make_session
from ingestion.landing import latest_version, read_attempts
from ingestion.prh.client import CompaniesClient, registered_since
from ingestion.prh.land import land_all_companies, remote_version
from ingestion.prh.parse import stage_dump, stage_landed
from ingestion.prh.records import reduce_company
from ingestion.settings import load_settings
from ingestion.snapshot import SNAPSHOT_DIR, SnapshotAdapter, load_companies
from quality.suites import validate_prh_companies
from tests.helpers import realdata

CAP = 8 * 1024**3
BASE = "https://avoindata.prh.fi/opendata-ytj-api/v3"
SOLE_TRADER_NAME = "Maija Meikäläinen"
OLDER_DUMP = SNAPSHOT_DIR / "prh" / "all_companies_20260930.zip"
NEWEST_DUMP = SNAPSHOT_DIR / "prh" / "all_companies_20261127.zip"
REAL_RECORD = "prh_ytj_v3_companies_0112038-9_2026-10-05.json"


def _descriptions(fi: str) -> list[dict[str, str]]:
    return [{"languageCode": "1", "description": fi}, {"languageCode": "3", "description": fi + " (en)"}]


def _office(city: str, code: str) -> list[dict[str, str]]:
    return [{"city": city, "languageCode": "1", "municipalityCode": code}]


def _company(business_id: str, registered: str, **fields: Any) -> dict[str, Any]:
    """A record in the YTJ v3 shape; fields override the defaults."""
    record: dict[str, Any] = {
        "businessId": {"value": business_id, "registrationDate": registered, "source": "3"},
        "euId": {"value": f"FIFPRO.{business_id}", "source": "1"},
        "names": [{"name": "Näyte Oy", "type": "1", "registrationDate": registered, "version": 1, "source": "1"}],
        "mainBusinessLine": {
            "type": "62010",
            "descriptions": _descriptions("Ohjelmistojen suunnittelu ja valmistus"),
            "typeCodeSet": "TOIMI3",
            "registrationDate": registered,
            "source": "2",
        },
        "website": None,
        "companyForms": [
            {"type": "16", "descriptions": _descriptions("Osakeyhtiö"), "registrationDate": registered, "version": 1}
        ],
        "companySituations": [],
        "registeredEntries": [
            {
                "type": "1",
                "descriptions": _descriptions("Rekisterissä"),
                "registrationDate": registered,
                "endDate": None,
                "register": "1",
                "authority": "2",
            }
        ],
        "addresses": [],
        "tradeRegisterStatus": "1",
        "status": "2",
        "registrationDate": registered,
        "endDate": None,
        "lastModified": "2026-03-02T10:11:12",
    }
    record.update(fields)
    return record


def _records() -> list[dict[str, Any]]:
    return [
        # street address in Oulu, postal address in Helsinki: the street address wins
        _company(
            "2345678-1",
            "2015-04-01",
            addresses=[
                {"type": 2, "street": "", "postCode": "00100", "postOffices": _office("HELSINKI", "091")},
                {"type": 1, "street": "Kauppurienkatu 1", "postCode": "90100", "postOffices": _office("OULU", "564")},
            ],
        ),
        # ended through bankruptcy, an old limited company changed into a co-operative
        _company(
            "1234567-1",
            "2009-02-03",
            endDate="2024-10-31",
            companyForms=[
                {"type": "16", "registrationDate": "2009-02-03", "endDate": "2012-01-01"},
                {"type": "14", "registrationDate": "2012-01-01", "endDate": None},
            ],
            companySituations=[
                {"type": "KONK", "registrationDate": "2024-03-15", "endDate": "2024-10-31", "source": "1"}
            ],
            addresses=[
                {"type": 1, "street": "Testikuja 2", "postCode": "90500", "postOffices": _office("OULU", "564")}
            ],
        ),
        # a recent company with a TOL 2025 code and a municipality code given as a number
        _company(
            "3456789-0",
            "2025-06-10",
            mainBusinessLine={"type": "62100", "typeCodeSet": "TOIMI4", "descriptions": []},
            addresses=[{"type": 1, "street": "Uusitie 3", "postCode": "90400", "postOffices": _office("KEMPELE", 244)}],
        ),
        # a sole trader with only a postal address: the name is personal data and must not be kept
        _company(
            "4567890-2",
            "2019-09-09",
            names=[{"name": SOLE_TRADER_NAME, "type": "1", "registrationDate": "2019-09-09"}],
            companyForms=[{"type": "26", "descriptions": _descriptions("Yksityinen elinkeinonharjoittaja")}],
            mainBusinessLine=None,
            addresses=[{"type": 2, "street": "PL 7", "postCode": "90101", "postOffices": _office("OULU", "564")}],
        ),
    ]


def _zip(payload: bytes, name: str = "all_companies.json", extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
        for other, data in (extra or {}).items():
            archive.writestr(other, data)
    return out.getvalue()


def _dump(tmp_path: Path, records: list[dict[str, Any]] | None = None) -> Path:
    path = tmp_path / "all_companies.zip"
    path.write_bytes(_zip(json.dumps(records or _records(), ensure_ascii=False).encode("utf-8")))
    return path


def _stage(tmp_path: Path, dump: Path, cap: int = CAP) -> tuple[Path, Path]:
    companies, situations = tmp_path / "staging" / "companies.parquet", tmp_path / "staging" / "situations.parquet"
    stage_dump(dump, companies, situations, max_uncompressed=cap)
    return companies, situations


def test_parser_keeps_the_facts_and_no_personal_data(tmp_path: Path) -> None:
    companies_path, situations_path = _stage(tmp_path, _dump(tmp_path))
    companies = pd.read_parquet(companies_path).set_index("business_id")
    assert companies.loc["2345678-1", "municipality_code"] == "564", "street address (type 1) wins over postal"
    assert companies.loc["2345678-1", "main_industry_code"] == "62010"
    assert companies.loc["2345678-1", "industry_code_set"] == "TOL2008"
    assert companies.loc["2345678-1", "registration_date"] == date(2015, 4, 1)
    assert pd.isna(companies.loc["2345678-1", "end_date"])
    ended = companies.loc["1234567-1"]
    assert ended["end_date"] == date(2024, 10, 31) and ended["company_form_code"] == "14"
    assert companies.loc["3456789-0", ["main_industry_code", "industry_code_set"]].tolist() == ["62100", "TOL2025"]
    assert companies.loc["3456789-0", "municipality_code"] == "244"
    trader = companies.loc["4567890-2"]
    assert trader["municipality_code"] == "564", "postal address when there is no street address"
    assert pd.isna(trader["main_industry_code"]) and trader["company_form_code"] == "26"
    situations = pd.read_parquet(situations_path)
    assert situations[["business_id", "situation_type", "situation_code"]].values.tolist() == [
        ["1234567-1", "bankruptcy", "KONK"]
    ]
    assert situations["start_date"].tolist() == [date(2024, 3, 15)]
    for path in (companies_path, situations_path):
        table = pq.read_table(path)
        assert not {"name", "names", "street", "addresses"} & set(table.column_names)
        assert SOLE_TRADER_NAME.encode("utf-8") not in path.read_bytes()
        assert "Meikäläinen" not in table.to_pandas().astype(str).to_string()
        assert "Kauppurienkatu" not in table.to_pandas().astype(str).to_string()


def test_parser_writes_in_batches(tmp_path: Path) -> None:
    """Rows are flushed every batch, so the file holds several row groups, never one big buffer."""
    from ingestion.prh.parse import parse_dump

    records = [_company(f"{9000000 + i:07d}-{i % 10}", "2020-01-01") for i in range(25)]
    staged = parse_dump(_dump(tmp_path, records), tmp_path / "out", max_uncompressed=CAP, batch_rows=10)
    assert staged.companies_rows == 25
    assert pq.ParquetFile(staged.companies).metadata.num_row_groups == 3


@pytest.mark.parametrize(
    ("member", "expected"),
    [("../all_companies.json", "leaves its folder"), ("/tmp/all_companies.json", "absolute")],
)
def test_unsafe_member_paths_are_refused(tmp_path: Path, member: str, expected: str) -> None:
    path = tmp_path / "evil.zip"
    path.write_bytes(_zip(b"[]", name=member))
    with pytest.raises(SourceError, match=expected) as raised:
        _stage(tmp_path, path)
    assert raised.value.source == "prh" and raised.value.field == f"ZIP member {member}"


def test_missing_or_extra_members_are_refused(tmp_path: Path) -> None:
    extra = tmp_path / "extra.zip"
    extra.write_bytes(_zip(b"[]", extra={"readme.txt": b"hi"}))
    with pytest.raises(SourceError, match="expected exactly one JSON member") as raised:
        _stage(tmp_path, extra)
    assert raised.value.value == ["all_companies.json", "readme.txt"]
    missing = tmp_path / "missing.zip"
    missing.write_bytes(_zip(b"[]", name="all_companies.csv"))
    with pytest.raises(SourceError, match="expected exactly one JSON member"):
        _stage(tmp_path, missing)


def _previous_staged(tmp_path: Path) -> tuple[Path, Path, bytes]:
    companies, situations = _stage(tmp_path, _dump(tmp_path))
    return companies, situations, companies.read_bytes()


def test_truncated_zip_fails_and_keeps_the_staged_files(tmp_path: Path) -> None:
    companies, situations, before = _previous_staged(tmp_path)
    good = _zip(json.dumps(_records()).encode("utf-8"))
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(SourceError, match="damaged or truncated ZIP"):
        stage_dump(cut, companies, situations, max_uncompressed=CAP)
    assert companies.read_bytes() == before and situations.exists()
    assert not list(companies.parent.glob(".prh.*")), "scratch files are cleaned up"


def test_truncated_json_fails_and_keeps_the_staged_files(tmp_path: Path) -> None:
    companies, situations, before = _previous_staged(tmp_path)
    payload = json.dumps(_records()).encode("utf-8")
    cut = tmp_path / "cut_json.zip"
    cut.write_bytes(_zip(payload[: len(payload) - 40]))
    with pytest.raises(SourceError, match="invalid JSON") as raised:
        stage_dump(cut, companies, situations, max_uncompressed=CAP)
    assert raised.value.field == "ZIP member all_companies.json"
    assert companies.read_bytes() == before


def test_decompressed_size_is_capped(tmp_path: Path) -> None:
    dump = _dump(tmp_path)
    size = zipfile.ZipFile(dump).infolist()[0].file_size
    with pytest.raises(SourceError, match=f"unpacks beyond the cap of {size - 1} bytes"):
        _stage(tmp_path, dump, cap=size - 1)
    assert len(pd.read_parquet(_stage(tmp_path, dump, cap=size)[0])) == 4


def test_unknown_situation_and_bad_codes_name_the_value() -> None:
    record = _company("2345678-1", "2015-04-01", companySituations=[{"type": "XYZ", "registrationDate": "2020-01-01"}])
    with pytest.raises(SourceError, match=r"companySituations.type of 2345678-1 = 'XYZ': unknown situation type"):
        reduce_company(record)
    with pytest.raises(SourceError, match=r"businessId.value = '123': not a business id"):
        reduce_company(_company("123", "2015-04-01"))
    bad_line = {"type": "6201", "typeCodeSet": "TOIMI3"}
    with pytest.raises(SourceError, match=r"mainBusinessLine.type of 2345678-1 = '6201'"):
        reduce_company(_company("2345678-1", "2015-04-01", mainBusinessLine=bad_line))


# --- paging ------------------------------------------------------------------------------------


class PagingServer(BaseAdapter):
    """`/companies` in the recorded shape over `companies`; a page past the end answers page 1.

    `claimed_total` lets a test make the server over-report its total, the way the trap bites.
    """

    def __init__(self, companies: list[dict[str, Any]], claimed_total: int | None = None) -> None:
        super().__init__()
        self.companies = companies
        self.claimed_total = claimed_total
        self.pages: list[int] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        query = parse_qs(urlsplit(request.url or "").query)
        page = int(query["page"][0])
        self.pages.append(page)
        if (page - 1) * 100 >= len(self.companies):
            page = 1
        doc = {
            "totalResults": self.claimed_total or len(self.companies),
            "companies": self.companies[(page - 1) * 100 : page * 100],
        }
        response = requests.Response()
        response.status_code = 200
        response.raw = io.BytesIO(json.dumps(doc).encode("utf-8"))
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release."""


def _session(adapter: BaseAdapter) -> SourceSession:
    session = SourceSession(retries=0)
    session.mount(BASE, adapter)
    return session


def _listing(count: int) -> list[dict[str, Any]]:
    return [{"businessId": {"value": f"{3000000 + i:07d}-1"}, "registrationDate": "2026-11-02"} for i in range(count)]


def test_paging_stops_on_the_total() -> None:
    server = PagingServer(_listing(250))
    found = list(CompaniesClient(_session(server), BASE).search(registrationDateStart="2026-11-01"))
    assert len(found) == 250 and server.pages == [1, 2, 3]
    exact = PagingServer(_listing(200))
    assert len(list(CompaniesClient(_session(exact), BASE).search())) == 200 and exact.pages == [1, 2]


def test_a_page_past_the_end_returning_page_one_fails_loudly() -> None:
    server = PagingServer(_listing(250), claimed_total=420)
    with pytest.raises(SourceError, match=r"/companies page = 4: repeats page 1"):
        list(CompaniesClient(_session(server), BASE).search())
    assert server.pages == [1, 2, 3, 4]


def test_companies_client_throttles_to_the_shared_limit() -> None:
    session = _session(PagingServer(_listing(1)))
    CompaniesClient(session, BASE)
    assert session.budget.limit(BASE).calls is not None


def test_snapshot_pages_like_the_api(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    session = make_session(settings)
    start = date(2026, 6, 1)
    found = registered_since(session, settings.prh_base_url, start)
    expected = [r for r in load_companies(NEWEST_DUMP) if r["registrationDate"] >= "2026-06-01"]
    assert len(found) == len(expected) > 100, "several pages"
    assert [c["businessId"]["value"] for c in found] == [r["businessId"]["value"] for r in expected]
    past_end = session.get(
        f"{settings.prh_base_url}/companies", params={"page": 999, "registrationDateStart": "2026-06-01"}
    )
    assert past_end.json()["companies"][0] == expected[0], "a page past the end answers the first page"


# --- landing -----------------------------------------------------------------------------------


def test_landing_is_conditional_and_unchanged_downloads_nothing(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    session = make_session(settings)
    adapter = session.get_adapter(settings.prh_base_url)
    assert isinstance(adapter, SnapshotAdapter)
    first = land_all_companies(settings, session)
    assert not first.unchanged and (first.path / "all_companies.zip").is_file()
    assert first.manifest.source_updated == "2026-11-27T03:15:00Z"
    assert first.manifest.details["etag"].startswith('"') and first.manifest.responses[0].http_status == 200
    again = make_session(settings)
    statuses: list[int] = []
    snapshot = again.get_adapter(settings.prh_base_url)
    send = snapshot.send

    def recording_send(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = send(request, **kwargs)
        statuses.append(response.status_code)
        return response

    snapshot.send = recording_send  # type: ignore[method-assign]
    second = land_all_companies(settings, again)
    assert statuses == [304], "the conditional request was answered 304 and nothing was downloaded"
    assert second.unchanged and second.path == first.path
    assert [p.name for p in (tmp_path / "landing" / "prh" / "companies").iterdir() if p.is_dir()] == [first.path.name]
    assert [a["status"] for a in read_attempts(settings.landing_dir, "prh", "companies")] == ["ok", "unchanged"]
    staged = stage_landed(first.path, tmp_path / "s" / "companies.parquet", tmp_path / "s" / "situations.parquet", CAP)
    companies = pd.read_parquet(staged.companies)
    situations = pd.read_parquet(staged.situations)
    assert staged.companies_rows == len(companies) > 5_000 and companies["is_sample_data"].all()
    assert validate_prh_companies(companies, situations).success
    assert {"bankruptcy", "liquidation", "restructuring"} <= set(situations["situation_type"])


def test_snapshot_answers_a_conditional_request_with_304(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    session = make_session(settings)
    url = f"{settings.prh_base_url}/all_companies"
    first = session.get(url)
    assert first.status_code == 200 and first.content[:2] == b"PK"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert session.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert session.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert session.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_changed_dump_lands_beside_the_old_one(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    first = land_all_companies(settings, make_session(settings))
    manifest = json.loads((first.path / "manifest.json").read_text(encoding="utf-8"))
    manifest["details"]["etag"] = '"older"'
    manifest["details"]["sha256"] = "0" * 64
    manifest["details"]["last_modified"] = None
    (first.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    second = land_all_companies(settings, make_session(settings))
    assert not second.unchanged and second.path != first.path and first.path.is_dir()
    assert latest_version(settings.landing_dir, PRH_COMPANIES.source, PRH_COMPANIES.name) == second.path


def test_an_oversized_download_fails_and_lands_nothing(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    session = make_session(settings)
    session.max_response_bytes = 1000
    with pytest.raises(SourceError, match="larger than the cap of 1000 bytes"):
        land_all_companies(settings, session)
    assert latest_version(settings.landing_dir, "prh", "companies") is None
    failed = [p for p in (tmp_path / "landing" / "prh" / "companies").iterdir() if p.suffix == ".failed"]
    assert len(failed) == 1


def test_suite_catches_bad_staged_facts(tmp_path: Path) -> None:
    companies_path, situations_path = _stage(tmp_path, _dump(tmp_path))
    companies, situations = pd.read_parquet(companies_path), pd.read_parquet(situations_path)
    assert validate_prh_companies(companies, situations, today=pd.Timestamp("2026-11-28")).success
    companies.loc[0, "end_date"] = date(2001, 1, 1)
    companies.loc[1, "municipality_code"] = "5640"
    situations.loc[0, "business_id"] = "7654321-0"
    companies.loc[2, "industry_code_set"] = None
    result = validate_prh_companies(companies, situations, today=pd.Timestamp("2026-11-28"))
    failed = {f.description for f in result.failures}
    assert failed == {
        "end not before registration",
        "municipality codes of 3 digits",
        "company known",
        "industry comes with its code set (TOIMI3/TOIMI4) or is unknown",
    }
    early = validate_prh_companies(companies, situations, today=pd.Timestamp("2020-01-01"))
    assert "registration not in future" in {f.description for f in early.failures}


def test_release_poll_reads_the_dump_version_without_downloading(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample", sources=("prh",))
    assert settings.prh_base_url == BASE and settings.sources == ("prh",)
    session = make_session(settings)
    head = session.head(f"{settings.prh_base_url}/all_companies")
    assert head.status_code == 200 and head.content == b"" and int(head.headers["Content-Length"]) > 100_000
    assert remote_version(session, settings.prh_base_url) == "2026-11-27T03:15:00Z"


def test_sample_dump_covers_every_municipality_by_population() -> None:
    from ingestion.sample_snapshot.basics import read_anchors, read_classification

    dump = NEWEST_DUMP
    assert dump.stat().st_size <= 2 * 1024 * 1024, "the bundled sample dump stays small"
    records = load_companies(dump)
    facts = pd.DataFrame([reduce_company(r)[0] for r in records])
    municipalities = {m.code for m in read_classification()}
    assert set(facts["municipality_code"].dropna()) == municipalities
    per_municipality = facts["municipality_code"].value_counts()
    anchors = read_anchors()
    assert per_municipality["564"] > 20 * per_municipality["005"], "Oulu has far more companies than Alajärvi"
    assert per_municipality.idxmax() == max(anchors, key=lambda c: anchors[c].labour_force)
    registered = pd.to_datetime(facts["registration_date"])
    yearly = registered[registered.dt.year.between(2019, 2025)].dt.year.value_counts()
    assert yearly.min() > 400, "registrations every year"
    assert facts["business_id"].str.startswith("9").all(), "fake ids only"


def _materialization(result: Any, key: list[str]) -> dict[str, Any]:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.path == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_assets_stage_both_files_skip_unchanged_and_quarantine_bad_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster import materialize

    from orchestration.assets.sources import source_asset
    from orchestration.resources import PipelineSettings

    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_MODE", "sample")
    resources = {"pipeline": PipelineSettings()}
    staging_prh_companies = source_asset("staging", "prh", "companies")
    assets = [source_asset("landing", "prh", "companies"), staging_prh_companies]
    first = materialize(assets, resources=resources)
    assert first.success
    staged = _materialization(first, ["staging", "prh", "companies"])
    assert staged["unchanged"] is False and staged["rows"] > 5_000 and staged["parser"] == "duckdb"
    assert _materialization(first, ["staging", "prh", "company_situations"])["rows"] > 10
    history = _materialization(first, ["staging", "prh", "register_history"])
    assert history["folded"] is True and history["dump_date"] == "2026-11-27"
    assert _materialization(first, ["staging", "prh", "register_dumps"])["rows"] == 1
    assert _materialization(first, ["staging", "prh", "companies"])["unknown_code_set_companies"] > 0
    [check] = [c for c in first.get_asset_check_evaluations() if c.check_name == "great_expectations_suite"]
    assert check.passed and check.asset_key.path == ["staging", "prh", "companies"]
    companies = tmp_path / "staging" / "prh" / "companies.parquet"
    before = (companies.read_bytes(), companies.stat().st_mtime_ns)

    second = materialize(assets, resources=resources)
    assert _materialization(second, ["landing", "prh", "companies"])["status"] == "unchanged"
    assert _materialization(second, ["staging", "prh", "companies"])["unchanged"] is True
    assert (companies.read_bytes(), companies.stat().st_mtime_ns) == before

    # a newer landed dump that parses but fails the suite: an end date before the registration
    good = latest_version(tmp_path / "landing", "prh", "companies")
    assert good is not None
    bad = good.with_name("29991231T000000000000Z")
    bad.mkdir()
    (bad / "manifest.json").write_bytes((good / "manifest.json").read_bytes())
    (bad / "company_forms.tsv").write_bytes((good / "company_forms.tsv").read_bytes())
    history = tmp_path / "staging" / "prh" / "register_history.parquet"
    history_before = history.read_bytes()
    records = _records()
    records[0]["endDate"] = "2001-01-01"
    (bad / "all_companies.zip").write_bytes(_zip(json.dumps(records).encode("utf-8")))
    third = materialize([staging_prh_companies], resources=resources, raise_on_error=False)
    assert not third.success
    [failed] = third.get_asset_check_evaluations()
    assert not failed.passed
    assert (companies.read_bytes(), companies.stat().st_mtime_ns) == before, "the previous good file stays"
    quarantined = tmp_path / "staging" / "_quarantine" / "prh" / f"companies-{bad.name}"
    assert (quarantined / "companies.parquet").is_file()
    assert history.read_bytes() == history_before, "a failed dump never touches the register history"


def test_streaming_cap_stops_reading_even_when_the_declared_size_lies() -> None:
    from ingestion.prh.archive import _CappedReader

    reader = _CappedReader(io.BytesIO(b"[" + b'{"a": 1},' * 10_000 + b"{}]"), cap=50_000, member="m.json")
    with pytest.raises(SourceError, match=r"ZIP member m.json = '> 50000 bytes': decompressed size exceeds the cap"):
        for _ in ijson.items(reader, "item"):
            pass
    assert reader.read_bytes <= 50_000 + 64 * 1024, "stopped within one read of the cap"


def test_a_dump_that_is_not_an_array_of_companies_fails(tmp_path: Path) -> None:
    path = tmp_path / "object.zip"
    path.write_bytes(_zip(b'{"companies": []}'))
    with pytest.raises(SourceError, match="the company array is empty"):
        _stage(tmp_path, path)


def _many(count: int) -> list[dict[str, Any]]:
    from ingestion.sample_snapshot.prh import business_ids

    records = []
    for number, business_id in enumerate(business_ids(count)):
        situations = [{"type": "SELTILA", "registrationDate": "2024-02-02"}] if number % 7 == 0 else []
        records.append(
            _company(business_id, f"20{10 + number % 15}-01-0{1 + number % 9}", companySituations=situations)
        )
    return records


def _frames(staged: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    companies = pd.read_parquet(staged.companies).drop(columns="loaded_at")
    return companies, pd.read_parquet(staged.situations).drop(columns="loaded_at")


def test_duckdb_gives_the_facts_of_reduce_company_on_both_sample_dumps(tmp_path: Path) -> None:
    """The DuckDB parse and the reference parse (ijson + reduce_company) write the same rows."""
    from ingestion.prh.parse import parse_dump

    for dump in (OLDER_DUMP, NEWEST_DUMP):
        fast = parse_dump(dump, tmp_path / f"fast-{dump.stem}", max_uncompressed=CAP)
        slow = parse_dump(dump, tmp_path / f"slow-{dump.stem}", max_uncompressed=CAP, reference=True)
        assert (fast.parser, slow.parser) == ("duckdb", "reference")
        assert fast.companies_rows == slow.companies_rows > 5_000 and fast.situation_rows == slow.situation_rows > 10
        assert fast.unknown_code_sets == slow.unknown_code_sets != {}
        for left, right in zip(_frames(fast), _frames(slow), strict=True):
            pd.testing.assert_frame_equal(left, right)
        assert pq.read_schema(fast.companies).equals(pq.read_schema(slow.companies))
        assert pq.read_schema(fast.situations).equals(pq.read_schema(slow.situations))


def test_a_dump_unpacked_in_parts_cut_only_between_companies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of a few kB: `},` inside a string or a nested list is never taken for the end of a company."""
    from ingestion.prh import archive, parse

    records = [{"extra": [{"a": 1}, {"businessId": "no"}], "note": "}, {", **record} for record in _many(400)]
    dump = _dump(tmp_path, records)
    monkeypatch.setattr(parse, "PART_BYTES", 4096)
    monkeypatch.setattr(archive, "CHUNK_BYTES", 1000)
    handed: list[Path | None] = []
    hand_over = archive.Unpacker._hand_over

    def counting(self: archive.Unpacker, part: Path | None) -> bool:
        handed.append(part)
        return hand_over(self, part)

    monkeypatch.setattr(archive.Unpacker, "_hand_over", counting)
    parts = parse.parse_dump(dump, tmp_path / "parts", max_uncompressed=CAP, batch_rows=50)
    assert len(handed) > 50 and handed[-1] is None, "many parts, then the end"
    whole = parse.parse_dump(dump, tmp_path / "whole", max_uncompressed=CAP, reference=True)
    assert parts.parser == "duckdb" and parts.companies_rows == 400
    for left, right in zip(_frames(parts), _frames(whole), strict=True):
        pd.testing.assert_frame_equal(left, right)
    assert not (tmp_path / "parts" / ".parts").exists(), "the parts are removed"


def _odd(**fields: Any) -> dict[str, Any]:
    return _company("2345678-1", "2015-04-01", **fields)


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (_odd(registrationDate="2020-02-30"), r"registrationDate of 2345678-1 = '2020-02-30': not a valid date"),
        (_odd(endDate=20200101), r"endDate of 2345678-1 = 20200101: not a date"),
        (_odd(lastModified="yesterday"), r"lastModified of 2345678-1 = 'yesterday': not a timestamp"),
        (
            _odd(addresses=[{"type": 1, "postOffices": _office("OULU", "5640")}]),
            r"addresses\[type=1\].municipalityCode of 2345678-1 = '5640': not 3 digits",
        ),
        (_odd(companySituations=[{"type": "XYZ"}]), r"companySituations.type of 2345678-1 = 'XYZ'"),
        (_odd(companySituations=[None]), r"companySituations.type of 2345678-1 = None"),
        (
            _odd(companySituations=[{"type": "KONK", "registrationDate": "2024-13-01"}]),
            r"companySituations.registrationDate of 2345678-1",
        ),
        (
            _odd(companySituations=[{"type": "KONK", "registrationDate": "2024-01-01", "endDate": "2024-02-30"}]),
            r"companySituations.endDate of 2345678-1 = '2024-02-30'",
        ),
        (
            _odd(registrationDate="", businessId={"value": "2345678-1", "registrationDate": "2015-13-01"}),
            r"businessId.registrationDate of 2345678-1 = '2015-13-01'",
        ),
        (_odd(mainBusinessLine={"type": "6201", "typeCodeSet": "TOIMI4"}), r"mainBusinessLine.type of 2345678-1"),
        (_company("123", "2015-04-01"), r"businessId.value = '123': not a business id"),
        (_odd(businessId="2345678-1"), r"businessId.value = None: not a business id"),
    ],
)
def test_a_bad_company_fails_naming_its_business_id_field_and_value(
    tmp_path: Path, record: dict[str, Any], problem: str
) -> None:
    """DuckDB marks the company unusual; the reference parse then raises naming the company."""
    from ingestion.prh.parse import parse_dump

    records = _many(30)
    records.insert(17, record)
    with pytest.raises(SourceError, match=problem) as raised:
        parse_dump(_dump(tmp_path, records), tmp_path / "out", max_uncompressed=CAP)
    assert raised.value.source == "prh"


@pytest.mark.parametrize(
    "fields",
    [
        # numbers where strings are usual: Python's str() and DuckDB's text agree or the company is rerun
        {"addresses": [{"type": "1", "postOffices": [{"municipalityCode": 91}]}]},
        {"companyForms": [{"type": 16, "registrationDate": "2001-01-01"}, {"type": True, "registrationDate": None}]},
        {"companyForms": [{"type": "16", "registrationDate": "2001-01-01", "endDate": 0}]},
        {"mainBusinessLine": {"type": 62010, "typeCodeSet": "TOIMI3"}},
        {"mainBusinessLine": {"type": "62010", "typeCodeSet": 3}},
        {"mainBusinessLine": {"type": "62010", "typeCodeSet": True}},
        {"mainBusinessLine": {"type": "62010", "typeCodeSet": "TOIMI 3"}},
        {"mainBusinessLine": {"type": "62010", "typeCodeSet": ""}},
        {"mainBusinessLine": {"type": "", "typeCodeSet": "TOIMI9"}},
        {"lastModified": "2026-03-02"},
        {"lastModified": "2026-03-02T10:11:12.123456+02:00"},
        {"registrationDate": "", "businessId": {"value": "2345678-1", "registrationDate": "2015-04-01T00:00"}},
        {"addresses": [{"type": 2, "postOffices": [{"municipalityCode": "91"}]}, {"type": 1, "postOffices": []}]},
        {"companySituations": [{"type": "SANE", "registrationDate": "2024-02-01", "endDate": ""}]},
        {"companyForms": "16", "addresses": {"type": 1}},
    ],
)
def test_odd_but_allowed_values_give_the_facts_of_reduce_company(tmp_path: Path, fields: dict[str, Any]) -> None:
    from ingestion.prh.parse import parse_dump

    records = _many(20)
    records.insert(5, _odd(**fields))
    dump = _dump(tmp_path, records)
    fast = parse_dump(dump, tmp_path / "fast", max_uncompressed=CAP, max_unknown_share=1)
    slow = parse_dump(dump, tmp_path / "slow", max_uncompressed=CAP, max_unknown_share=1, reference=True)
    for left, right in zip(_frames(fast), _frames(slow), strict=True):
        pd.testing.assert_frame_equal(left, right)


def test_a_member_unpacking_beyond_the_cap_is_stopped_even_when_its_declared_size_lies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestion.prh import archive
    from ingestion.prh.parse import parse_dump

    checked = archive.json_member
    monkeypatch.setattr(archive, "json_member", lambda zf, where, cap: checked(zf, where, CAP))
    monkeypatch.setattr(archive, "CHUNK_BYTES", 4096)
    dump = _dump(tmp_path, _many(400))
    with pytest.raises(
        SourceError, match=r"ZIP member all_companies.json = '> 50000 bytes': decompressed size"
    ) as raised:
        parse_dump(dump, tmp_path / "out", max_uncompressed=50_000)
    assert raised.value.source == "prh"
    assert not (tmp_path / "out" / ".parts").exists()


def test_json_nested_too_deep_is_refused_while_unpacking(tmp_path: Path) -> None:
    from ingestion.prh.archive import MAX_JSON_DEPTH
    from ingestion.prh.parse import parse_dump

    deep = '[{"businessId": {"value": "2345678-1"}, "x": ' + "[" * 70 + "]" * 70 + "}]"
    path = tmp_path / "deep.zip"
    path.write_bytes(_zip(deep.encode()))
    with pytest.raises(SourceError, match=f"nested deeper than {MAX_JSON_DEPTH}") as raised:
        parse_dump(path, tmp_path / "out", max_uncompressed=CAP)
    assert raised.value.field == "ZIP member all_companies.json"
    # brackets inside strings, escaped quotes and backslashes do not count
    shallow = json.dumps([_company("2345678-1", "2015-04-01", note='[[[ \\" {{{' * 40)])
    path.write_bytes(_zip(shallow.encode()))
    assert parse_dump(path, tmp_path / "ok", max_uncompressed=CAP).companies_rows == 1


# --- code sets -----------------------------------------------------------------------------------


def test_code_sets_map_toimi3_and_toimi4_and_leave_others_unknown() -> None:
    line = {"type": "62100", "typeCodeSet": "TOIMI4", "descriptions": []}
    company, _ = reduce_company(_company("2345678-1", "2015-04-01", mainBusinessLine=line))
    assert (company["main_industry_code"], company["industry_code_set"]) == ("62100", "TOL2025")
    assert company["industry_code_set_source"] == "TOIMI4"
    line = {"type": "62010", "typeCodeSet": "TOIMI3", "descriptions": []}
    company, _ = reduce_company(_company("2345678-1", "2015-04-01", mainBusinessLine=line))
    assert (company["main_industry_code"], company["industry_code_set"]) == ("62010", "TOL2008")
    for old in ("TOIMI", "TOIMI2", "TOL2008", None):
        line = {"type": "72201", "typeCodeSet": old, "descriptions": []}
        company, _ = reduce_company(_company("2345678-1", "2015-04-01", mainBusinessLine=line))
        assert company["main_industry_code"] is None and company["industry_code_set"] is None, old
        assert company["industry_code_set_source"] == (old or "(none)")


def _with_old_code_sets(count: int, old: int) -> list[dict[str, Any]]:
    records = _many(count)
    for record in records[:old]:
        record["mainBusinessLine"] = {"type": "72201", "typeCodeSet": "TOIMI2", "descriptions": []}
    return records


def test_a_few_unknown_code_sets_are_counted_and_many_fail_the_dump(tmp_path: Path) -> None:
    from ingestion.prh.parse import parse_dump

    staged = parse_dump(_dump(tmp_path, _with_old_code_sets(400, 3)), tmp_path / "few", max_uncompressed=CAP)
    assert staged.unknown_code_sets == {"TOIMI2": 3} and staged.unknown_code_set_rows == 3
    companies = pd.read_parquet(staged.companies)
    assert companies["main_industry_code"].isna().sum() == 3
    many = _dump(tmp_path, _with_old_code_sets(400, 5))
    with pytest.raises(SourceError, match=r"1.2% of 400 companies carry a code set other than TOIMI3/TOIMI4") as raised:
        parse_dump(many, tmp_path / "many", max_uncompressed=CAP)
    assert raised.value.field == "mainBusinessLine.typeCodeSet" and raised.value.value == "TOIMI2 5"
    assert (
        parse_dump(many, tmp_path / "allowed", max_uncompressed=CAP, max_unknown_share=0.02).unknown_code_set_rows == 5
    )


def test_the_unknown_share_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingestion.errors import SettingsError
    from ingestion.settings import settings_env

    assert load_settings(data_dir=tmp_path).prh_max_unknown_code_set_share == 0.01
    monkeypatch.setenv("TILANNEKUVA_PRH_MAX_UNKNOWN_CODE_SET_SHARE", "0.05")
    settings = load_settings(data_dir=tmp_path)
    assert settings.prh_max_unknown_code_set_share == 0.05
    assert settings_env(settings)["TILANNEKUVA_PRH_MAX_UNKNOWN_CODE_SET_SHARE"] == "0.05"
    monkeypatch.setenv("TILANNEKUVA_PRH_MAX_UNKNOWN_CODE_SET_SHARE", "2")
    with pytest.raises(SettingsError, match="must be between 0 and 1"):
        load_settings(data_dir=tmp_path)


# --- the real record ------------------------------------------------------------------------------


class RecordedCompanies(BaseAdapter):
    """`GET /companies?businessId=…` answered with a recorded response body."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body
        self.queries: list[dict[str, list[str]]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.queries.append(parse_qs(urlsplit(request.url or "").query))
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json"
        response.raw = io.BytesIO(self.body)
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release."""


def _assert_nokia(row: dict[str, Any]) -> None:
    assert row["main_industry_code"] == "70100" and row["industry_code_set"] == "TOL2025"
    assert row["industry_code_set_source"] == "TOIMI4"
    assert row["company_form_code"] == "17" and row["municipality_code"] == "049", "street address (type 1) wins"
    assert row["registration_date"] == date(1896, 12, 19)


def test_the_real_record_through_the_companies_client() -> None:
    server = RecordedCompanies(realdata(REAL_RECORD).read_bytes())
    found = list(CompaniesClient(_session(server), BASE).search(businessId="0112038-9"))
    assert server.queries == [{"businessId": ["0112038-9"], "page": ["1"]}]
    assert len(found) == 1
    company, situations = reduce_company(found[0])
    _assert_nokia(company)
    assert situations == []


def test_the_real_record_inside_a_dated_zip_among_generated_ones(tmp_path: Path) -> None:
    from ingestion.prh.parse import parse_dump

    real = json.loads(realdata(REAL_RECORD).read_bytes())["companies"][0]
    records = _many(300)
    records.insert(150, real)
    path = tmp_path / "all_companies_20261005.zip"
    path.write_bytes(_zip(json.dumps(records, ensure_ascii=False).encode("utf-8"), name="data_20261005.json"))
    staged = parse_dump(path, tmp_path / "out", max_uncompressed=CAP)
    assert staged.companies_rows == 301 and staged.unknown_code_set_rows == 0
    companies = pd.read_parquet(staged.companies).set_index("business_id")
    _assert_nokia({"business_id": "0112038-9", **companies.loc["0112038-9"].to_dict()})
    assert validate_prh_companies(pd.read_parquet(staged.companies), pd.read_parquet(staged.situations)).success


# --- the company-form list ------------------------------------------------------------------------


def test_company_forms_flag_housing_and_mutual_property_companies_by_description() -> None:
    from ingestion.prh.forms import parse_company_forms

    text = (SNAPSHOT_DIR / "prh" / "description_YRMU_fi.tsv").read_text(encoding="utf-8")
    forms = {r["company_form_code"]: r for r in parse_company_forms(text)}
    flagged = {code for code, r in forms.items() if r["is_housing_or_property_company"]}
    assert flagged == {"2", "10"} and forms["16"]["company_form_fi"] == "Osakeyhtiö"
    # a header line, CRLF, a BOM and extra columns are tolerated; the codes come from the list, not from here
    other = (
        "\ufeffKoodi\tSelite\r\n7\tAsunto-osakeyhtiö\tx\r\n\r\n"
        "99\tKeskinäinen kiinteistöosakeyhtiö\r\n1\tOsakeyhtiö\r\nAY\tAvoin yhtiö\r\n"
    )
    forms = {r["company_form_code"]: r["is_housing_or_property_company"] for r in parse_company_forms(other)}
    assert forms == {"7": True, "99": True, "1": False, "AY": False}, "a code may be letters"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<html>Service unavailable</html>", "expected lines of code<TAB>description, found none"),
        ("16\tOsakeyhtiö\n14\tOsuuskunta\n", "expected 'Asunto-osakeyhtiö' or 'Keskinäinen kiinteistöosakeyhtiö'"),
    ],
)
def test_a_company_form_list_that_cannot_be_read_fails_in_one_sentence(text: str, problem: str) -> None:
    from ingestion.prh.forms import parse_company_forms

    with pytest.raises(SourceError, match=problem) as raised:
        parse_company_forms(text)
    assert raised.value.source == "prh" and raised.value.field == "/description?code=YRMU"
    if "Osakeyhtiö" in text:
        assert raised.value.value == "16 Osakeyhtiö, 14 Osuuskunta", "the forms that were found"


# --- register history -----------------------------------------------------------------------------


def _facts(*rows: tuple[str, str | None]) -> pd.DataFrame:
    """Staged companies (business id, municipality) as `fold_dump` reads them."""
    return pd.DataFrame(
        [
            {
                "business_id": business_id,
                "company_form_code": "16",
                "main_industry_code": "62100",
                "industry_code_set": "TOL2025",
                "municipality_code": municipality,
                "registration_date": date(2020, 1, 1),
                "end_date": None,
            }
            for business_id, municipality in rows
        ]
    )


def test_register_history_across_three_dumps_with_a_company_that_comes_back(tmp_path: Path) -> None:
    from ingestion.prh.history import apply_dump

    history, dumps = tmp_path / "register_history.parquet", tmp_path / "register_dumps.parquet"
    dumps_in_order = [
        (date(2026, 9, 30), [("1111111-1", "564"), ("2222222-2", "564"), ("3333333-3", "091")]),
        # 2222222-2 and 3333333-3 leave; 4444444-4 is new; 1111111-1 moves to Kempele
        (date(2026, 10, 31), [("1111111-1", "244"), ("4444444-4", "564")]),
        # 2222222-2 comes back; 3333333-3 stays gone; 4444444-4 leaves
        (date(2026, 11, 27), [("1111111-1", "244"), ("2222222-2", "564")]),
    ]
    updates = []
    for number, (day, rows) in enumerate(dumps_in_order):
        companies = tmp_path / f"companies-{number}.parquet"
        _facts(*rows).to_parquet(companies)
        updates.append(apply_dump(history, dumps, companies, day, f"v{number}", unknown_code_set_companies=number))
    assert [(u.new_companies, u.left_companies, u.returned_companies) for u in updates] == [
        (3, 0, 0),
        (1, 2, 0),
        (0, 1, 1),
    ]
    frame = pd.read_parquet(history).set_index("business_id")
    assert frame.loc["1111111-1", ["first_seen_dump", "last_seen_dump"]].tolist() == [
        date(2026, 9, 30),
        date(2026, 11, 27),
    ]
    assert frame.loc["1111111-1", "municipality_code"] == "244", "attributes follow the newest dump"
    assert pd.isna(frame.loc["2222222-2", "left_register_dump"]), "a company that came back is in the register"
    assert frame.loc["2222222-2", "first_seen_dump"] == date(2026, 9, 30)
    assert frame.loc["3333333-3", "left_register_dump"] == date(2026, 10, 31), "the first dump without it"
    assert frame.loc["3333333-3", "last_seen_dump"] == date(2026, 9, 30)
    assert frame.loc["4444444-4", ["first_seen_dump", "left_register_dump"]].tolist() == [
        date(2026, 10, 31),
        date(2026, 11, 27),
    ]
    assert frame.loc["3333333-3", "municipality_code"] == "091", "a company that left keeps its last facts"
    table = pd.read_parquet(dumps)
    assert table["dump_date"].tolist() == [d for d, _ in dumps_in_order]
    assert table["unknown_code_set_companies"].tolist() == [0, 1, 2]
    # folding the same landing version again, or an older dump, changes nothing
    before = history.read_bytes()
    assert not apply_dump(history, dumps, tmp_path / "companies-1.parquet", date(2026, 11, 27), "v2").applied
    again = apply_dump(history, dumps, tmp_path / "companies-0.parquet", date(2026, 9, 30), "v-old")
    assert not again.applied and "older than" in again.note
    # the newest day's dump landed again under another version (e.g. after a switch to live mode)
    same_day = apply_dump(history, dumps, tmp_path / "companies-2.parquet", date(2026, 11, 27), "v-relanded")
    assert not same_day.applied and "already in the history" in same_day.note
    assert history.read_bytes() == before
    assert pd.read_parquet(dumps)["dump_date"].is_unique


def _land_sample_dump(settings: Any, stamp: str) -> Any:
    session = make_session(settings)
    adapter = session.get_adapter(settings.prh_base_url)
    assert isinstance(adapter, SnapshotAdapter)
    adapter.prh_dump_date = stamp
    return land_all_companies(settings, session)


def test_sample_snapshot_ships_two_dumps_in_the_real_shapes(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    session = make_session(settings)
    newest = session.get(f"{settings.prh_base_url}/all_companies")
    assert newest.headers["Content-Disposition"] == "attachment; filename=all_companies_20261127.zip"
    assert zipfile.ZipFile(io.BytesIO(newest.content)).namelist() == ["data_20261127.json"]
    forms = session.get(f"{settings.prh_base_url}/description", params={"code": "YRMU", "lang": "fi"})
    assert forms.status_code == 200 and forms.headers["Content-Type"].startswith("text/plain")
    older, latest = load_companies(OLDER_DUMP), load_companies(NEWEST_DUMP)
    for records in (older, latest):
        assert OLDER_DUMP.stat().st_size + NEWEST_DUMP.stat().st_size <= 2 * 1024 * 1024, "the snapshot stays small"
        facts = pd.DataFrame([reduce_company(r)[0] for r in records])
        assert "26" not in set(facts["company_form_code"]), "no sole traders in the open data"
        assert {"2", "10"} <= set(facts["company_form_code"]), "housing and mutual property companies are there"
        assert facts["end_date"].isna().all(), "a dump holds only companies in the register"
        code_sets = {str((r.get("mainBusinessLine") or {}).get("typeCodeSet")) for r in records}
        assert {"TOIMI4", "TOIMI3", "TOIMI2"} <= code_sets
        assert 0 < (facts["industry_code_set_source"] == "TOIMI2").mean() < 0.01
        assert all(s.get("endDate") is None for r in records for s in r["companySituations"]), "only open proceedings"
    before = {r["businessId"]["value"] for r in older}
    after = {r["businessId"]["value"] for r in latest}
    assert len(before - after) > 50, "companies leave the register between the dumps"
    assert len(after - before) > 50, "and new ones arrive"


def test_landing_both_sample_dumps_in_order_gives_closures(tmp_path: Path) -> None:
    from ingestion.prh.history import apply_dump, dump_date_of, landed_versions, rebuild_history
    from ingestion.prh.parse import parse_landed

    settings = load_settings(data_dir=tmp_path, mode="sample")
    first = _land_sample_dump(settings, "20260930")
    second = _land_sample_dump(settings, "20261127")
    assert not second.unchanged and second.path != first.path
    assert first.manifest.details["member"] == "data_20260930.json"
    assert (first.path / "company_forms.tsv").is_file() and first.manifest.details["company_forms"] >= 7
    assert [dump_date_of(v) for v in landed_versions(settings.landing_dir)] == [date(2026, 9, 30), date(2026, 11, 27)]
    history, dumps = tmp_path / "h" / "register_history.parquet", tmp_path / "h" / "register_dumps.parquet"
    for version in (first.path, second.path):
        staged = parse_landed(version, tmp_path / f"scratch-{version.name}", CAP)
        assert staged.forms is not None and staged.forms.is_file()
        apply_dump(history, dumps, staged.companies, dump_date_of(version), version.name)
    frame = pd.read_parquet(history)
    left = frame[frame["left_register_dump"].notna()]
    assert len(left) > 50 and (left["left_register_dump"] == date(2026, 11, 27)).all()
    assert (left["last_seen_dump"] == date(2026, 9, 30)).all()
    incremental = frame.drop(columns="is_sample_data")
    rebuilt = rebuild_history(landed_versions(settings.landing_dir), history, dumps, CAP)
    assert [u.applied for u in rebuilt] == [True, True]
    pd.testing.assert_frame_equal(pd.read_parquet(history).drop(columns="is_sample_data"), incremental)


def test_staging_asset_folds_each_new_dump_into_the_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster import materialize

    from orchestration.assets.sources import source_asset
    from orchestration.resources import PipelineSettings

    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_MODE", "sample")
    settings = load_settings(data_dir=tmp_path, mode="sample")
    resources = {"pipeline": PipelineSettings()}
    staging_prh_companies = source_asset("staging", "prh", "companies")
    _land_sample_dump(settings, "20260930")
    assert materialize([staging_prh_companies], resources=resources).success
    _land_sample_dump(settings, "20261127")
    result = materialize([staging_prh_companies], resources=resources)
    assert result.success
    folded = _materialization(result, ["staging", "prh", "register_history"])
    assert folded["dump_date"] == "2026-11-27" and folded["left_companies"] > 50 and folded["new_companies"] > 50
    staging = tmp_path / "staging" / "prh"
    assert pd.read_parquet(staging / "register_dumps.parquet")["dump_date"].tolist() == [
        date(2026, 9, 30),
        date(2026, 11, 27),
    ]
    forms = pd.read_parquet(staging / "company_forms.parquet")
    assert set(forms.loc[forms["is_housing_or_property_company"], "company_form_code"]) == {"2", "10"}
    # a lost history is rebuilt from the landed dumps kept, then the newest is folded again
    (staging / "register_history.parquet").unlink()
    (staging / "companies.parquet.landing_version").unlink()
    assert materialize([staging_prh_companies], resources=resources).success
    assert len(pd.read_parquet(staging / "register_dumps.parquet")) == 2


def test_register_note_says_from_when_closures_are_known_and_counts_unknown_code_sets(tmp_path: Path) -> None:
    from ingestion.prh.history import register_note
    from ingestion.prh.schemas import DUMPS_SCHEMA

    path = tmp_path / "register_dumps.parquet"
    assert register_note(path) is None
    row = {
        "dump_date": date(2026, 9, 30),
        "landing_version": "v1",
        "companies": 4000,
        "new_companies": 4000,
        "left_companies": 0,
        "returned_companies": 0,
        "unknown_code_set_companies": 0,
        "source_updated_at": None,
        "applied_at": datetime(2026, 9, 30, 4),
        "is_sample_data": True,
    }
    pq.write_table(pa.Table.from_pylist([row], DUMPS_SCHEMA), path)
    assert register_note(path) == "first dump 2026-09-30: stock only, closures known from the next dump"
    second = {**row, "dump_date": date(2026, 11, 27), "landing_version": "v2", "unknown_code_set_companies": 8}
    pq.write_table(pa.Table.from_pylist([row, second], DUMPS_SCHEMA), path)
    assert register_note(path) == (
        "2 dumps; closures known from 2026-10-01; 8 companies (0.20 %) with an unknown industry code set (industry X)"
    )


def _form(code: str, registered: str, ended: str | None = None) -> dict[str, Any]:
    return {"type": code, "descriptions": [], "registrationDate": registered, "endDate": ended, "version": 1}


@pytest.mark.parametrize(
    ("forms", "in_force"),
    [
        # the live form wins over an ended one registered later (a correction of an old entry)
        ([_form("16", "2010-05-01"), _form("17", "2020-01-01", ended="2021-01-01")], "16"),
        # of two live forms, the one registered last; list order does not matter
        ([_form("17", "2012-03-01"), _form("16", "2001-01-01")], "17"),
        ([_form("16", "2001-01-01"), _form("17", "2012-03-01")], "17"),
        # every form ended (a ceased company): the latest registered
        ([_form("17", "2012-03-01", ended="2015-01-01"), _form("16", "2001-01-01", ended="2012-03-01")], "17"),
        ([], None),
    ],
)
def test_the_company_form_in_force(forms: list[dict[str, Any]], in_force: str | None) -> None:
    company, _ = reduce_company(_company("2345678-1", "2001-01-01", companyForms=forms))
    assert company["company_form_code"] == in_force


def test_the_record_registration_date_wins_over_the_business_id_date() -> None:
    """The company's own registration date counts; the business id's date only when the record has none."""
    record = _company("2345678-1", "2015-04-01", registrationDate="2016-06-30")
    assert reduce_company(record)[0]["registration_date"] == date(2016, 6, 30)
    record = _company("2345678-1", "2015-04-01", registrationDate=None)
    assert reduce_company(record)[0]["registration_date"] == date(2015, 4, 1)


def test_a_situation_keeps_its_own_start_and_end_date() -> None:
    situations = [
        {"type": "SANE", "registrationDate": "2024-02-01", "endDate": "2025-03-15"},
        {"type": "KONK", "registrationDate": "2025-09-01", "endDate": None},
    ]
    record = _company("2345678-1", "2015-04-01", companySituations=situations, endDate="2026-01-31")
    _, found = reduce_company(record)
    assert [(s["situation_type"], s["start_date"], s["end_date"]) for s in found] == [
        ("restructuring", date(2024, 2, 1), date(2025, 3, 15)),
        ("bankruptcy", date(2025, 9, 1), None),
    ]
