"""The files generated from the landing contract: the dbt sources and the doc tables.

``python -m orchestration.lib.landing.contract_files --write`` rewrites them from
``orchestration/lib/landing_contract.py``; without ``--write`` it only reports the files that
differ (exit code 1), which is what tests/ingest/test_landing_contract.py checks. Adding a landing
column is one edit in the contract plus ``--write``.

- ``dbt_project/models/staging/landing/_landing__sources.yml``: the whole file. Source ``raw``
  (the landing tables and the file manifest ``landing_files``) and source ``quarantine`` (the
  rows set aside), every table and column with its description and type. A quarantine table is
  written by the same ingestion asset as its raw table, but it cannot map to that asset through
  ``meta.dagster.asset_key``: dagster-dbt refuses two sources with one asset key.
- docs/landing.md and docs/data_quality.md: the text between ``<!-- BEGIN GENERATED: name -->``
  and ``<!-- END GENERATED: name -->``; the prose around it is written by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from orchestration.lib.landing_contract import (
    LANDING_FILES,
    LANDING_FILES_COLUMNS,
    REASON_CODES,
    SOURCES,
    Column,
    LandingSource,
    quarantine_columns,
    raw_columns,
)

COMMAND = "python -m orchestration.lib.landing.contract_files --write"
SOURCES_YAML = Path("dbt_project/models/staging/landing/_landing__sources.yml")
LANDING_DOC = Path("docs/landing.md")
DATA_QUALITY_DOC = Path("docs/data_quality.md")

# what a deliverer writes for a value of each raw type
VALUE_WORDS = {
    "varchar": "text",
    "timestamp": "ISO 8601 timestamp with UTC offset",
    "boolean": "true/false",
    "double": "number",
    "integer": "whole number",
}


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as dbt's own YAML files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _description(column: Column) -> str:
    allowed = f" One of {', '.join(column.allowed)}." if column.allowed else ""
    return column.description + allowed


def _columns_yaml(columns: tuple[Column, ...]) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "description": _description(c), "data_type": c.sql_type} for c in columns
    ]


def sources_yaml(sources: Mapping[str, LandingSource] = SOURCES) -> str:
    """The dbt sources of the landing tables, their file manifest and their quarantine."""
    raw_tables = [
        {
            "name": source.name,
            "description": f"{source.description} One row is {source.grain}; key "
            f"({', '.join(source.key)}), placed in a period by {source.event_time}.",
            "columns": _columns_yaml(raw_columns(source)),
        }
        for source in sources.values()
    ]
    raw_tables.append(
        {
            "name": LANDING_FILES,
            "description": "The file manifest: one row per landing file, what its last load "
            "did (written by every ingestion asset). rows_read = rows_loaded + "
            "rows_quarantined.",
            "columns": _columns_yaml(LANDING_FILES_COLUMNS),
        }
    )
    quarantine_tables = [
        {
            "name": source.name,
            "description": f"Rows of {source.name} files set aside with a reason, their values "
            "as delivered (text); written by the ingestion asset raw/" + source.name + ".",
            "columns": _columns_yaml(quarantine_columns(source)),
        }
        for source in sources.values()
    ]
    document = {
        "version": 2,
        "sources": [
            {
                "name": "raw",
                "description": "Landing files loaded by the Dagster ingestion assets "
                "raw/<source> (the source's default asset key); rejected rows are in "
                "quarantine.<source>.",
                "schema": "raw",
                "tables": raw_tables,
            },
            {
                "name": "quarantine",
                "description": "Landed rows that broke a rule of the landing contract, one "
                "table per source, each row with its reason_code and reason "
                "(docs/data_quality.md).",
                "schema": "quarantine",
                "tables": quarantine_tables,
            },
        ],
    }
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)
    return (
        "# Generated from orchestration/lib/landing_contract.py: edit the contract, then run\n"
        f"# {COMMAND}\n" + body.replace("\nsources:\n", "\n\nsources:\n", 1)
    )


def _value(column: Column) -> str:
    if column.allowed:
        return f"one of {', '.join(column.allowed)}"
    return VALUE_WORDS[column.sql_type]


def landing_tables(sources: Mapping[str, LandingSource] = SOURCES) -> str:
    """docs/landing.md: the sources at a glance, then each source's columns."""
    lines = [
        "| source | columns (in any order; extra columns are ignored and noted) | one row is |",
        "|---|---|---|",
    ]
    for source in sources.values():
        listed = ", ".join(c.name if c.required else f"{c.name} (optional)" for c in source.columns)
        lines.append(f"| `{source.name}` | {listed} | {source.grain} |")
    for source in sources.values():
        lines += [
            "",
            f"### `{source.name}`",
            "",
            f"One row is {source.grain}. Key: {', '.join(source.key)} (two rows with the same key "
            f"are the same fact). Period by: {source.event_time}.",
            "",
            "| column | value | required | meaning |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{c.name}` | {_value(c)} | {'yes' if c.required else 'no'} | {c.description} |"
            for c in source.columns
        ]
    return "\n".join(lines)


def reason_table(sources: Mapping[str, LandingSource] = SOURCES) -> str:
    """docs/data_quality.md: every reason code, what it means and the sources it applies to."""
    lines = ["| reason_code | the row... | sources |", "|---|---|---|"]
    for reason in REASON_CODES:
        having = [s.name for s in sources.values() if reason.code in s.reason_codes]
        on = "all" if len(having) == len(sources) else ", ".join(having)
        lines.append(f"| `{reason.code}` | {reason.meaning} | {on} |")
    keys = ", ".join(f"{s.name} ({', '.join(s.key)})" for s in sources.values())
    return "\n".join([*lines, "", f"Keys: {keys}."])


def _between_markers(text: str, name: str, generated: str, path: Path) -> str:
    begin, end = f"<!-- BEGIN GENERATED: {name} -->", f"<!-- END GENERATED: {name} -->"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if len(pattern.findall(text)) != 1:
        raise ValueError(f"{path}: expected one {begin} ... {end} block")
    note = f"<!-- generated from orchestration/lib/landing_contract.py by `{COMMAND}` -->"
    return pattern.sub(lambda _: f"{begin}\n{note}\n{generated}\n{end}", text)


def rendered(root: Path, sources: Mapping[str, LandingSource] = SOURCES) -> dict[Path, str]:
    """Every generated file under ``root`` (the repository) as it should read."""
    landing = root / LANDING_DOC
    quality = root / DATA_QUALITY_DOC
    return {
        root / SOURCES_YAML: sources_yaml(sources),
        landing: _between_markers(
            landing.read_text(encoding="utf-8"), "landing_contract", landing_tables(sources),
            landing,
        ),
        quality: _between_markers(
            quality.read_text(encoding="utf-8"), "reason_codes", reason_table(sources), quality
        ),
    }  # fmt: skip


def drifted(root: Path, sources: Mapping[str, LandingSource] = SOURCES) -> list[Path]:
    """The generated files that do not read as the contract says."""
    return [
        path
        for path, text in rendered(root, sources).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    from orchestration.lib.settings import PROJECT_ROOT

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the generated files")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="the repository")
    args = parser.parse_args(argv)
    if args.write:
        for path, text in rendered(args.root).items():
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(args.root)}")
        return 0
    stale = drifted(args.root)
    for path in stale:
        print(f"{path.relative_to(args.root)} differs from the landing contract; run {COMMAND}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
