"""Landing files as a whole: which files a folder holds, their hash, a CSV's header line.

Python looks at a file only as bytes (hash, first line, byte order mark, line count); its rows
are read by DuckDB (``readers.py``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
UTF8_BOM = b"\xef\xbb\xbf"


class FileRejected(Exception):
    """The file as a whole cannot be used; the message says why in the deliverer's terms."""


def landing_files(folder: Path) -> list[Path]:
    """The files of one source folder that have a landing format, in name order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)


def file_format(path: Path) -> str:
    return FORMATS[path.suffix.lower()]


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_header(path: Path) -> tuple[list[str], bool]:
    """The CSV header's column names and whether the file starts with a UTF-8 byte order mark."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip(UTF8_BOM + b" \r\n\t"):
        raise FileRejected("empty file: no header and no rows")
    has_bom = head.startswith(UTF8_BOM)
    first_line = head[len(UTF8_BOM) if has_bom else 0 :].split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"not UTF-8: the header has byte 0x{first_line[error.start]:02x} at position "
            f"{error.start + 1}; save the file as UTF-8"
        ) from None
    names = next(csv.reader(io.StringIO(text)), [])
    return [name.strip() for name in names], has_bom


def newline_count(path: Path) -> tuple[int, bool]:
    """The number of ``\\n`` bytes in the file and whether it ends with one."""
    count, last = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count, last == b"\n"
