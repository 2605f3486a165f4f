"""The data dictionary: every served table and column with English and Finnish descriptions, as Markdown.

Generated from the dbt manifest (the contracts give every mart column its name and type; the English
text is the dbt `description`, the Finnish one `config.meta.description_fi` in the same YAML) plus the
publish step's own `publish_info` table. `python -m orchestration.write_dictionary` parses dbt and
rewrites docs/data_dictionary.md with `write_dictionary`; a test regenerates it and fails when the
committed file differs. Marts without a Finnish (or English) description are flagged in the output,
never a reason to fail.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serving.publish import MART_SCHEMA, PUBLISH_INFO_COLUMNS

DICTIONARY_PATH = Path(__file__).resolve().parents[1] / "docs" / "data_dictionary.md"
MISSING_FI = "⚠ *suomenkielinen kuvaus puuttuu*"
MISSING_EN = "⚠ *no description*"
REGENERATE = "python -m orchestration.write_dictionary"


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    description: str
    description_fi: str


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    description: str
    description_fi: str
    columns: tuple[Column, ...]


def _fi(props: dict[str, Any]) -> str:
    meta = {**(props.get("meta") or {}), **((props.get("config") or {}).get("meta") or {})}
    return str(meta.get("description_fi") or "").strip()


def tables_from_manifest(manifest: dict[str, Any]) -> list[Table]:
    """Every model of the marts layer (the tables publish serves), ordered by domain and name."""
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and len(node["fqn"]) > 2 and node["fqn"][1] == MART_SCHEMA
    ]
    return [
        Table(
            name=node["name"],
            path=f"dbt_project/{node['original_file_path']}",
            description=node.get("description", "").strip(),
            description_fi=_fi(node),
            columns=tuple(
                Column(c["name"], (c.get("data_type") or "").lower(), c.get("description", "").strip(), _fi(c))
                for c in node["columns"].values()
            ),
        )
        for node in sorted(marts, key=lambda n: (n["fqn"][2:-1], n["name"]))
    ]


def publish_info_table() -> Table:
    """The table the publish step adds to every serving file."""
    return Table(
        name="publish_info",
        path="serving/publish.py",
        description="One row per source dataset: when the serving file was published, from which landing "
        "version and source release, and whether the data are the bundled sample.",
        description_fi="Rivi kutakin lähdeaineistoa kohden: milloin julkaisu tehtiin, mistä raakavastausten "
        "versiosta ja lähteen julkaisusta se on rakennettu ja onko aineisto mukana tuleva näyte.",
        columns=tuple(Column(n, t.lower(), en, fi) for n, t, en, fi in PUBLISH_INFO_COLUMNS),
    )


def missing_finnish(tables: list[Table]) -> dict[str, list[str]]:
    """Table name → what lacks a Finnish description (`(table)` for the table's own description)."""
    missing = {}
    for table in tables:
        gaps = (["(table)"] if not table.description_fi else []) + [
            c.name for c in table.columns if not c.description_fi
        ]
        if gaps:
            missing[table.name] = gaps
    return missing


def _cell(text: str, fallback: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip() or fallback


def render(tables: list[Table]) -> str:
    """The Markdown dictionary (deterministic: the same manifest gives the same bytes)."""
    lines = [
        "# Data dictionary — tietosanasto",
        "",
        f"Generated from the dbt manifest by `{REGENERATE}`; do not edit by hand (a test fails when this",
        "file is out of date). English descriptions are the dbt `description`s, Finnish ones",
        "`config.meta.description_fi` in the same YAML next to each model. The same tables are in the serving",
        "file `data/serving/tilannekuva.duckdb`, the exports `data/serving/exports/<table>.parquet|csv` and,",
        "when configured, PostgreSQL schema `tilannekuva`; the browsable dbt docs site of the last build is",
        "`data/serving/docs/index.html`.",
        "",
        "| Table | Columns | Description | Kuvaus |",
        "|---|---|---|---|",
    ]
    for table in tables:
        first_en = table.description.split("\n\n")[0]
        first_fi = table.description_fi.split("\n\n")[0]
        lines.append(
            f"| [`{table.name}`](#{table.name}) | {len(table.columns)} | {_cell(first_en, MISSING_EN)} "
            f"| {_cell(first_fi, MISSING_FI)} |"
        )
    missing = missing_finnish(tables)
    lines += ["", "## Missing Finnish descriptions — puuttuvat suomenkieliset kuvaukset", ""]
    if missing:
        for name, gaps in missing.items():
            lines.append(f"- `{name}`: {', '.join(f'`{g}`' for g in gaps)}")
    else:
        lines.append("None: every table and column has a Finnish description.")
    for table in tables:
        lines += [
            "",
            f"## {table.name}",
            "",
            f"Defined in `{table.path}`.",
            "",
            table.description.strip() or MISSING_EN,
            "",
            f"*Suomeksi:* {table.description_fi or MISSING_FI}",
            "",
            "| Column | Type | Description | Kuvaus |",
            "|---|---|---|---|",
        ]
        for c in table.columns:
            english, finnish = _cell(c.description, MISSING_EN), _cell(c.description_fi, MISSING_FI)
            lines.append(f"| `{c.name}` | {c.data_type or '?'} | {english} | {finnish} |")
    return "\n".join(lines) + "\n"


def generate(manifest_path: Path) -> str:
    """The dictionary for one dbt manifest.json."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return render([*tables_from_manifest(manifest), publish_info_table()])


def write_dictionary(manifest_path: Path) -> int:
    """Rewrite docs/data_dictionary.md from one dbt manifest.json and name what lacks a Finnish description."""
    text = generate(manifest_path)
    DICTIONARY_PATH.parent.mkdir(parents=True, exist_ok=True)
    DICTIONARY_PATH.write_text(text, encoding="utf-8")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    missing = missing_finnish(tables_from_manifest(manifest))
    print(f"wrote {DICTIONARY_PATH}")
    for name, gaps in missing.items():
        print(f"  no Finnish description: {name}: {', '.join(gaps)}", file=sys.stderr)
    return 0
