"""Which recorded files new reference data can change.

A ticket is checked against the loaded agreements and an event against the loaded tickets, so a
file's verdicts depend on reference data as well as on its bytes. The manifest keeps the
fingerprint of the reference data each file was checked against; when it differs, only the files
whose outcome can change are read again.
"""

from __future__ import annotations

import hashlib

import duckdb

from orchestration.lib.landing_contract import LandingSource


def reference_sha256(connection: duckdb.DuckDBPyConnection, source: LandingSource) -> str:
    """A fingerprint of the reference data this source's rules look up (empty when none)."""
    parts = []
    for column, query, _ in source.references:
        value = connection.execute(
            "select coalesce(md5(string_agg(distinct v, ',' order by v)), '') from "
            f"(select cast({column} as varchar) as v from ({query}) where {column} is not null)"
        ).fetchone()
        parts.append(value[0] if value else "")
    return hashlib.sha256("|".join(parts).encode()).hexdigest() if parts else ""


def files_touched_by_references(
    connection: duckdb.DuckDBPyConnection, source: LandingSource
) -> set[str]:
    """Files whose outcome may change with the reference data as it is now.

    A file's rows depend on the reference data only through two kinds of rows: rows quarantined
    because the value they point to was unknown, when that value is known now (the ticket has
    arrived), and loaded rows whose value has gone since (a replaced file dropped it). Any other
    row gets the same verdict whatever the reference data, so a file without either kind needs
    no reload. Values compare as the rules compare them: trimmed, empty as null.
    """
    selects = []
    for column, query, code in source.references:
        value = source.column(column).cast(f"nullif(trim(quarantined.{column}), '')")
        selects.append(
            f"select distinct quarantined.source_file from quarantine.{source.name} "
            f"as quarantined semi join ({query}) as known on {value} = known.{column} "
            f"where quarantined.reason_code = '{code}'"
        )
        selects.append(
            f"select distinct loaded.source_file from raw.{source.name} as loaded "
            f"anti join ({query}) as known on loaded.{column} = known.{column}"
        )
    rows = connection.execute(" union ".join(selects)).fetchall()
    return {row[0] for row in rows}
