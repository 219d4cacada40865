"""Load landing files into ``raw.<source>``; rows that break a rule go to ``quarantine.<source>``.

Everything that touches rows is set-based in DuckDB: a file is read with DuckDB's own reader as
text, every rule is a SQL condition, and the first rule a row breaks becomes its reason. Python
only looks at files as a whole (hash, first line, byte order mark).

Per file, ``raw.landing_files`` records what happened, and rows read = loaded + quarantined:

- a new file is ``loaded``; the same bytes again are ``unchanged`` and nothing is written;
- changed bytes are ``replaced``: that file's rows (raw and quarantine) are deleted and reloaded;
- unchanged bytes whose reference data changed (the agreements a ticket may name, the tickets an
  event may belong to) are ``reloaded`` the same way, so a row quarantined as ``unknown_ticket``
  is loaded once its ticket arrives;
- a file that cannot be read as a whole is ``rejected`` with a message; its earlier rows, if any,
  are removed (the delivered file is what counts, and it is unusable);
- a file in the manifest that is no longer in the landing folder is reported ``missing`` and its
  rows stay: a landing folder is a delivery inbox, and deleting a file there must not silently
  rewrite a period that may already have been published;
- a re-delivery with fewer rows than were read before (or an unusable one) is ``blocked``: it is
  rolled back, its earlier rows stay, and the ingest asset fails naming it, unless the run
  accepts it (``sla run --accept-shrunk PATH``);
- rows sharing a key across files: the file whose name sorts last keeps the key, the others'
  rows are ``superseded_row`` (``duplicate.py``), so the tables are a function of the files,
  not of the order they were loaded in;
- every other entry of the landing folder (wrong extension, hidden, sub-folder, a symbolic link
  leading outside the landing folder, a dangling one, an unknown source folder, a top-level file)
  is recorded as ``ignored`` with a fixed reason; no file content is copied into a message.

The statements per file (a month of probes, 4.5 M rows, takes seconds, not a minute):

1. ``checked`` (``rules.check``): one pass judges every row on the fast path
   (landing_contract.py): typed values for all rows, text only for the ~1 % that are not clean.
   A CSV is first read as text into temp table ``csv_text`` in file order (both steps run on
   every core; numbering rows while reading would not), and a reference is looked up only in the
   range of the file's own values;
2. ``slow`` (``rules.classify``): those rows (and lines the reader could not split) checked in
   full; the first rule a row breaks is its reason;
3. ``suspects`` (``duplicates``): the hashes of keys that repeat, in the file or against rows
   already loaded in its time span, found by sorting the hashes; ``keyed``: the exact duplicate
   and conflict verdicts for the few rows with such a hash;
4. one insert into ``raw`` (``store``; unordered: row order is not part of the contract) and
   one into ``quarantine``, whose rows keep their text as delivered (a duplicate found among
   clean rows has its text read again from the file).

Modules, one concern each: ``files`` (which files, hashing, a CSV's header), ``readers`` (CSV,
JSON Lines, Parquet into text rows; how ``source_row`` numbers them), ``rules`` (row
classification), ``duplicates``, ``store`` (the raw and quarantine rows), ``manifest``
(``raw.landing_files``), ``reconcile`` (which files new reference data can change) and
``ingest`` (``ingest_folder``: a folder, file by file). The columns, keys and rules are the
landing contract's (``orchestration/lib/landing_contract.py``); ``contract_files`` writes the dbt
sources and the doc tables generated from it.
"""

from orchestration.lib.landing.files import FORMATS, FileRejected, file_sha256, landing_files
from orchestration.lib.landing.ingest import ingest_folder, load_file
from orchestration.lib.landing.manifest import FileReport
from orchestration.lib.landing.store import ensure_tables

__all__ = [
    "FORMATS",
    "FileRejected",
    "FileReport",
    "ensure_tables",
    "file_sha256",
    "ingest_folder",
    "landing_files",
    "load_file",
]
