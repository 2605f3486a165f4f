"""PRH company register (YTJ open data API v3): the daily `all_companies` dump and `/companies` search.

The dump is a ZIP holding one JSON array of every company (hundreds of MB unpacked). It is streamed
to the landing version on disk (conditional request: an unchanged ETag / Last-Modified answers 304
and nothing is downloaded), then parsed by DuckDB: a thread unpacks the member through the guards
(member names, declared and actual size, JSON depth) into parts of whole companies, DuckDB's
`read_json` reads each part with the few columns the facts need and one query reduces each company,
and Arrow batches are written to Parquet, so peak memory does not grow with the size of the file.
A company the query cannot take as it is (a value the rules refuse, an odd shape) or JSON DuckDB
cannot read sends the dump through the reference parse, ijson and `reduce_company`, which raises
the error naming the business id, field and value. Each company is reduced to the facts counts
need; names, street addresses and other personal data are never kept.

Company situations map to insolvency events by this table (PRH code lists `KONK`, `SELTILA`, `SANE`):

| situation type | situation_type | meaning |
|---|---|---|
| KONK | bankruptcy | konkurssi (bankruptcy) |
| SELTILA | liquidation | selvitystila (liquidation) |
| SANE | restructuring | yrityssaneeraus (corporate restructuring) |

Any other situation type fails staging with the type named, so a new code is added here knowingly.
The register shows a situation only while the proceedings are open (it is emptied once a company has
ceased), so these rows are open proceedings at the dump date, never a count of bankruptcies.

The main line of business names its classification in `typeCodeSet`: `TOIMI3` is TOL 2008 and
`TOIMI4` TOL 2025 (PRH re-coded the register to TOL 2025 on 2026-01-01). Older sets (`TOIMI`,
`TOIMI2`) linger on a few records: their industry is left unknown and counted, and the dump fails only
when more than `prh_max_unknown_code_set_share` of its companies carry such a set.

The dump holds only companies currently in the register, so closures are read across dumps: every
staged dump is folded into a compact register history (`apply_dump`), in which a company that leaves
the register gets the date of the first dump without it. The company-form code list
(`/description?code=YRMU`) lands with each dump; housing and mutual property companies are flagged
from its descriptions, not from hard-coded codes.

The parts: `schemas` (names and Parquet schemas), `archive` (ZIP guards and the unpacking into
parts), `records` (one company record → facts, the reference rules), `sql` (the same rules as one
DuckDB query), `parse` (the DuckDB parse and its fallback), `forms` (the company-form code list),
`history` (the register history across dumps), `land` (the download), `stage` (the staging writer)
and `client` (the `/companies` search).
"""
