"""Landing files as a whole: which files a folder holds, their hash, a CSV's header line.

Python looks at a file only as bytes (hash, first line, byte order mark, line count); its rows
are read by DuckDB (``readers.py``).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# file name endings (lower-cased) and their format; DuckDB reads a gzipped CSV natively
FORMATS = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
UTF8_BOM = b"\xef\xbb\xbf"


class FileRejected(Exception):
    """The file as a whole cannot be used; the message says why in the deliverer's terms."""


def _ending(path: Path) -> str | None:
    name = path.name.lower()
    return next((end for end in sorted(FORMATS, key=len, reverse=True) if name.endswith(end)), None)


def _not_taken(path: Path, root: Path) -> str | None:
    """Why an entry of a source folder is not a landing file (a fixed reason), or None."""
    if path.name.startswith("."):
        return "hidden file: not read"
    if path.is_symlink():
        if not path.exists():
            return "dangling symbolic link: not read"
        if not path.resolve().is_relative_to(root.resolve()):
            return "symbolic link leading outside the landing folder: not followed"
    if path.is_dir():
        return "sub-folder: only files directly in a source folder are read"
    if not path.is_file():
        return "not a regular file: not read"
    if _ending(path) is None:
        return f"not a landing file format ({', '.join(FORMATS)}): not read"
    return None


def classify_entries(folder: Path, source: str) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """The landing files of one source folder, in name order, and every other entry of it as
    (source, label, reason). Nothing is followed outside the landing folder (``folder``'s
    parent)."""
    if not folder.is_dir():
        return [], []
    taken: list[Path] = []
    ignored: list[tuple[str, str, str]] = []
    for path in sorted(folder.iterdir()):
        reason = _not_taken(path, folder.parent)
        if reason is None:
            taken.append(path)
        else:
            suffix = "/" if path.is_dir() and not path.is_symlink() else ""
            ignored.append((source, f"{source}/{path.name}{suffix}", reason))
    return taken, ignored


def outside_sources(root: Path, sources: set[str]) -> list[tuple[str, str, str]]:
    """The landing folder's entries that are not a source folder, as (source, label, reason):
    an unknown folder is listed as ``<folder>/`` under its own name, a file under source ''."""
    if not root.is_dir():
        return []
    listed = []
    for path in sorted(root.iterdir()):
        if path.name in sources and path.is_dir() and not path.is_symlink():
            continue
        if path.is_dir() and not path.is_symlink():
            reason = f"not a landing source folder ({', '.join(sorted(sources))}): not read"
            listed.append((path.name, f"{path.name}/", reason))
        else:
            listed.append(("", path.name, "not in a source folder: not read"))
    return listed


def landing_files(folder: Path) -> list[Path]:
    """The files of one source folder that have a landing format, in name order."""
    return classify_entries(folder, folder.name)[0]


def file_format(path: Path) -> str:
    ending = _ending(path)
    if ending is None:
        raise FileRejected("not a landing file format")
    return FORMATS[ending]


def is_gzip(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


@contextmanager
def open_bytes(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes, decompressed when it is gzipped."""
    with gzip.open(path, "rb") if is_gzip(path) else path.open("rb") as handle:
        yield handle  # type: ignore[misc]


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_header(path: Path) -> tuple[list[str], bool]:
    """The CSV header's column names and whether the file starts with a UTF-8 byte order mark."""
    try:
        with open_bytes(path) as handle:
            head = handle.read(1 << 16)
    except (OSError, EOFError):
        raise FileRejected("not a gzip file: cannot be decompressed") from None
    if not head.strip(UTF8_BOM + b" \r\n\t"):
        raise FileRejected("empty file: no header and no rows")
    has_bom = head.startswith(UTF8_BOM)
    first_line = head[len(UTF8_BOM) if has_bom else 0 :].split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"not UTF-8: the header (line 1) has an invalid byte at position {error.start + 1}; "
            "save the file as UTF-8"
        ) from None
    names = next(csv.reader(io.StringIO(text)), [])
    return [name.strip() for name in names], has_bom


def newline_count(path: Path) -> tuple[int, bool]:
    """The number of ``\\n`` bytes in the file and whether it ends with one."""
    count, last = 0, b""
    with open_bytes(path) as handle:
        while chunk := handle.read(1 << 22):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count, last == b"\n"
