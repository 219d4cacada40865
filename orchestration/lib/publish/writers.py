"""Deterministic file writers: the same table gives the same bytes, run after run.

No writer puts a clock time in its file: CSV and Parquet carry only the data (Parquet's
``created_by`` names the pyarrow version, which is pinned per environment), and the XLSX gets a
fixed document time (the caller passes the period's end) because its properties would otherwise
hold the moment of writing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

MONEY_FORMAT = "#,##0.00"
MEASURE_FORMAT = "0.00##"


# OWASP's CSV injection rule: a cell starting with one of these is a formula (or a DDE payload)
# to spreadsheet software; prefixed with a single quote it is shown as the text it is
FORMULA_TRIGGERS = r"^[=+\-@\t\r]"


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to every text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or CR.

    Only string-typed columns: numbers (``-5.00``) are data, never formulas. One vectorised
    expression per column, whatever the number of rows.
    """
    text_columns = [
        name
        for name, dtype in frame.schema.items()
        if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)
    ]
    return frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(FORMULA_TRIGGERS))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text_columns
    )


def write_csv(table: pa.Table, path: Path) -> None:
    """UTF-8 with BOM (so spreadsheet software detects the encoding), CRLF, quoted when needed.

    Decimals are written as their exact text with the column's scale (``1234.50``), never
    through a float; booleans as ``true``/``false``; nulls as empty cells. Text that a
    spreadsheet would run as a formula is neutralised (:func:`neutralise_formulas`).
    """
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    # text first, while the decimals are still numbers: a negative amount is never prefixed
    frame = neutralise_formulas(frame)
    frame = frame.with_columns(
        pl.col(name).cast(pl.String)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Decimal)
    )
    frame.write_csv(path, include_bom=True, line_terminator="\r\n", quote_style="necessary")


def write_parquet(table: pa.Table, path: Path) -> None:
    """Decimals stay decimal128 (money is decimal128(18, 2)); no timestamps in the metadata."""
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd")


def write_xlsx(
    sheets: dict[str, pa.Table],
    path: Path,
    *,
    document_time: dt.datetime,
    money_columns: tuple[str, ...] = (),
    title: str = "",
) -> None:
    """One sheet per table, in the dict's order, of stored values (no formulas): money cells
    numeric with a 2-decimal format, a bold header, frozen and filterable."""
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    # a fixed document time: xlsxwriter would otherwise stamp the current time into docProps
    workbook.set_properties({"title": title, "created": document_time})
    header = workbook.add_format({"bold": True, "bottom": 1})
    money = workbook.add_format({"num_format": MONEY_FORMAT})
    measure = workbook.add_format({"num_format": MEASURE_FORMAT})
    for sheet, table in sheets.items():
        worksheet = workbook.add_worksheet(sheet)
        names = table.column_names
        formats = [
            money
            if name in money_columns
            else measure
            if pa.types.is_decimal(table.schema.field(name).type)
            else None
            for name in names
        ]
        worksheet.write_row(0, 0, names, header)
        # the ledger is agreements × objectives (hundreds of rows), small enough to write by cell
        for row_index, row in enumerate(table.to_pylist(), start=1):
            for col_index, name in enumerate(names):
                _write_cell(worksheet, row_index, col_index, row[name], formats[col_index])
        for col_index, name in enumerate(names):
            worksheet.set_column(col_index, col_index, max(10, min(len(name) + 2, 40)))
        worksheet.freeze_panes(1, 0)
        worksheet.autofilter(0, 0, max(table.num_rows, 1), len(names) - 1)
    workbook.close()


def _write_cell(worksheet, row: int, col: int, value: object, cell_format) -> None:  # type: ignore[no-untyped-def]
    if value is None:
        worksheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        worksheet.write_boolean(row, col, value)
    elif isinstance(value, Decimal):
        # a spreadsheet cell is a binary double; the 2-decimal format shows the exact cents
        worksheet.write_number(row, col, float(value), cell_format)
    elif isinstance(value, int | float):
        worksheet.write_number(row, col, value, cell_format)
    elif isinstance(value, dt.date):
        worksheet.write_string(row, col, value.isoformat())
    else:
        worksheet.write_string(row, col, str(value))
