"""The landing contract is the one statement of the landing columns: the dbt sources and the doc
tables are generated from it and must not drift, the warehouse tables are the ones it declares,
and a new column needs one edit in the contract plus the regenerate step."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.lib.landing import ensure_tables, ingest_folder
from orchestration.lib.landing.contract_files import (
    DATA_QUALITY_DOC,
    LANDING_DOC,
    SOURCES_YAML,
    drifted,
    main,
    rendered,
)
from orchestration.lib.landing_contract import REASON_CODES, SOURCES, TICKETS, Column
from tests.ingest.conftest import LOAD_TIME, Warehouse

REPO = Path(__file__).resolve().parents[2]
GENERATED = (SOURCES_YAML, LANDING_DOC, DATA_QUALITY_DOC)


def _copy(root: Path) -> Path:
    """The generated files of the repository under ``root``, to edit without touching the tree."""
    for relative in GENERATED:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / relative, root / relative)
    return root


def _tables(yaml_text: str) -> dict[str, list[str]]:
    """``schema.table`` -> its column names, as the dbt sources file declares them."""
    document = yaml.safe_load(yaml_text)
    return {
        f"{source['schema']}.{table['name']}": [c["name"] for c in table["columns"]]
        for source in document["sources"]
        for table in source["tables"]
    }


def test_generated_files_agree_with_the_contract() -> None:
    stale = drifted(REPO)
    assert stale == [], (
        f"{[str(p.relative_to(REPO)) for p in stale]} differ from the landing contract: "
        "run python -m orchestration.lib.landing.contract_files --write"
    )


@pytest.mark.parametrize(
    ("relative", "before", "after"),
    [
        # a column deleted from the dbt sources by hand
        (SOURCES_YAML, "          - name: csat_score\n", "          - name: csat\n"),
        # a doc table edited by hand: the contract says priority is required
        (LANDING_DOC, "| `priority` | one of P1, P2, P3, P4 | yes |", "| `priority` | text | no |"),
        (DATA_QUALITY_DOC, "| `unknown_ticket` |", "| `unknown_tickets` |"),
    ],
)
def test_a_hand_edit_of_a_generated_file_is_drift(
    tmp_path: Path, relative: Path, before: str, after: str
) -> None:
    root = _copy(tmp_path)
    text = (root / relative).read_text(encoding="utf-8")
    assert before in text
    (root / relative).write_text(text.replace(before, after, 1), encoding="utf-8")

    assert drifted(root) == [root / relative]
    assert main(["--root", str(root)]) == 1
    assert main(["--root", str(root), "--write"]) == 0
    assert drifted(root) == []
    assert (root / relative).read_text(encoding="utf-8") == text


def test_the_dbt_sources_declare_the_warehouse_tables_column_for_column() -> None:
    declared = _tables((REPO / SOURCES_YAML).read_text(encoding="utf-8"))
    # stated by hand: the raw tickets table is the file's columns, then where each row came from
    assert declared["raw.tickets"] == [
        "ticket_id", "agreement_id", "priority", "created_at", "first_response_at",
        "resolved_at", "csat_score", "source_file", "source_row",
    ]  # fmt: skip
    assert declared["quarantine.ticket_events"] == [
        "source_file", "source_row", "reason_code", "reason",
        "ticket_id", "status", "changed_at", "raw_line",
    ]  # fmt: skip
    assert declared["raw.landing_files"][:9] == [
        "source", "file_path", "sha256", "status", "rows_read", "rows_loaded",
        "rows_quarantined", "message", "loaded_at",
    ]  # fmt: skip
    # 6 raw tables (ticket_outcomes, downtime_windows: adapters only) + the file manifest
    # + 6 quarantine tables
    assert len(declared) == 13
    # and the loader creates exactly these tables with exactly these columns, in this order
    with duckdb.connect() as connection:
        for source in SOURCES.values():
            ensure_tables(connection, source)
        created: dict[str, list[str]] = {}
        for schema, table, column in connection.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where schema_name in ('raw', 'quarantine') order by schema_name, table_name, "
            "column_index"
        ).fetchall():
            created.setdefault(f"{schema}.{table}", []).append(column)
    assert created == declared


def test_every_rule_has_a_documented_reason_code() -> None:
    documented = [reason.code for reason in REASON_CODES]
    assert len(documented) == len(set(documented))
    for source in SOURCES.values():
        codes = {rule.reason_code for rule in source.rules}
        codes |= {reference.reason_code for reference in source.references}
        assert codes <= set(documented), source.name
    # stated by hand: what a ticket row can be set aside for, in the order a row meets them
    assert TICKETS.reason_codes == (
        "malformed_line", "unmapped_value", "missing_id", "missing_value", "unparseable_timestamp",
        "timestamp_without_offset", "timestamp_out_of_range", "unknown_priority", "invalid_csat",
        "first_response_before_created", "resolved_before_created", "future_timestamp",
        "unknown_agreement", "conflicting_duplicate", "superseded_row", "duplicate_row",
    )  # fmt: skip


CHANNEL = Column(
    "channel", "varchar", required=False, description="How the ticket came in (email, phone)."
)


def test_a_new_column_needs_only_the_contract_and_the_regenerate_step(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    tickets = dataclasses.replace(TICKETS, columns=(*TICKETS.columns, CHANNEL))
    sources = {**SOURCES, "tickets": tickets}
    root = _copy(tmp_path / "repo")

    # before the regenerate step the dbt sources and docs/landing.md disagree with the contract
    assert drifted(root, sources) == [root / SOURCES_YAML, root / LANDING_DOC]
    for path, text in rendered(root, sources).items():
        path.write_text(text, encoding="utf-8")
    assert drifted(root, sources) == []

    declared = _tables((root / SOURCES_YAML).read_text(encoding="utf-8"))
    assert declared["raw.tickets"][7:] == ["channel", "source_file", "source_row"]
    assert declared["quarantine.tickets"][-2:] == ["channel", "raw_line"]
    doc = (root / LANDING_DOC).read_text(encoding="utf-8")
    assert "| `channel` | text | no | How the ticket came in (email, phone). |" in doc
    assert "resolved_at (optional), csat_score (optional), channel (optional) |" in doc

    # the loader takes the column with no further edit: loaded, and kept as delivered in
    # quarantine when the row breaks a rule
    warehouse.write(
        "tickets/t.csv",
        "ticket_id,agreement_id,priority,created_at,first_response_at,resolved_at,csat_score,"
        "channel\n"
        "T-1,acme-hosting,P2,2026-01-05T09:00:00Z,,,,email\n"
        "T-2,acme-hosting,P9,2026-01-05T09:00:00Z,,,,phone\n",
    )
    [report] = ingest_folder(
        warehouse.connection, tickets, warehouse.landing / "tickets", load_time=LOAD_TIME
    )
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 1, 1)
    assert warehouse.rows("select ticket_id, channel from raw.tickets") == [("T-1", "email")]
    assert warehouse.rows("select reason_code, channel from quarantine.tickets") == [
        ("unknown_priority", "phone")
    ]
    # and a file without it is now missing a contract column
    warehouse.write("tickets/u.csv", "ticket_id,agreement_id,priority,created_at,"
                    "first_response_at,resolved_at,csat_score\nT-3,acme-hosting,P1,"
                    "2026-01-05T09:00:00Z,,,\n")  # fmt: skip
    reports = ingest_folder(
        warehouse.connection, tickets, warehouse.landing / "tickets", load_time=LOAD_TIME
    )
    assert [(r.path, r.status) for r in reports] == [
        ("tickets/t.csv", "unchanged"),
        ("tickets/u.csv", "rejected"),
    ]
    assert reports[1].message.startswith("missing column(s) channel;")


def test_a_missing_marker_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    doc = root / DATA_QUALITY_DOC
    doc.write_text(doc.read_text(encoding="utf-8").replace("<!-- END GENERATED", "<!-- END"))
    with pytest.raises(ValueError, match="expected one <!-- BEGIN GENERATED: reason_codes -->"):
        rendered(root)
