"""The inputs of a run checked before anything runs: one line naming the path that is wrong.

A missing landing folder is always a mistake (a typo would otherwise republish from the rows
already in the warehouse); an empty one is a mistake only when there is no warehouse to carry
earlier files from. A missing or empty definitions folder is a mistake, and so is a warehouse
path that is a folder.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.lib.landing.files import landing_files
from orchestration.lib.landing_contract import SOURCES
from orchestration.lib.paths import RunPaths


class BadInput(ValueError):
    """A path of the run cannot be used; the message is the one line to print."""


def _require_folder(what: str, path: Path) -> None:
    """Raise BadInput when path (the run's `what` folder) is missing or is not a folder."""
    if not path.exists():
        raise BadInput(f"{what} folder {path} does not exist")
    if not path.is_dir():
        raise BadInput(f"{what} folder {path} is not a folder")


def check_definitions(paths: RunPaths) -> None:
    """Raise BadInput when the definitions folder is missing or holds no agreement files."""
    definitions = paths.definitions_dir
    _require_folder("definitions", definitions)
    agreements = definitions / "agreements"
    if not agreements.is_dir() or not any(agreements.glob("*.y*ml")):
        raise BadInput(f"definitions folder {definitions} has no agreements/*.yaml")


def check_data(paths: RunPaths) -> None:
    """Raise BadInput naming the landing folder or warehouse when the run has nothing to read."""
    landing = paths.landing_dir
    _require_folder("landing", landing)
    warehouse = paths.warehouse_path
    if warehouse.is_dir():
        raise BadInput(f"warehouse {warehouse} is a folder, not a DuckDB file")
    has_files = any(landing_files(landing / name) for name in SOURCES)
    has_warehouse = warehouse.is_file() and warehouse.stat().st_size > 0
    if not has_files and not has_warehouse:
        folders = ", ".join(f"{name}/" for name in SOURCES)
        raise BadInput(
            f"landing folder {landing} has no landing files (in {folders}) and the warehouse "
            f"{warehouse} is new: nothing to run on"
        )
