"""Read ``sla_definitions/``: every file parsed, every error collected with its file and field.

A definitions folder holds ``agreements/*.yaml``, ``calendars/*.yaml`` and optionally
``reviews/<agreement_id>.yaml``. Loading never stops at the first problem: a person fixing a
folder wants the whole list at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from orchestration.lib.agreements.adjustments import (
    Adjustment,
    AdjustmentsFile,
    adjustment_files,
    check_references,
    check_unique_ids,
)
from orchestration.lib.agreements.schema import Agreement, Calendar, ReviewLog

YAML_SUFFIXES = (".yaml", ".yml")
M = TypeVar("M", bound=BaseModel)


class DefinitionsError(Exception):
    """The definitions cannot be used; ``errors`` lists ``file: field: problem`` lines."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in SLA definitions:\n" + "\n".join(errors))


# why ignore[misc]: the base is chosen at import time (libyaml's loader when installed)
class _DecimalLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML with exact decimals and no silently duplicated keys.

    Floats become Decimal from their text (``12000.10`` stays exact: it is money), and a key
    given twice in one mapping is an error instead of "last one wins". libyaml's parser when
    PyYAML has it (~5x faster on a few hundred agreements), the pure-Python one otherwise.
    """


_SPECIAL_FLOATS = {".nan": "NaN", ".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity"}


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    # YAML's .nan/.inf become Decimal's own NaN/Infinity, which the models refuse per field
    # ("must be a finite number"); other float forms Decimal cannot read (YAML 1.1's base-60
    # ``1:30.5``) are a YAML error at their line rather than a decimal.InvalidOperation traceback
    special = _SPECIAL_FLOATS.get(text.lower())
    if special is not None:
        return Decimal(special)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a decimal number", node.start_mark
        ) from None


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # a date-shaped value that is no date (2025-13-45) is a YAML error at its line, not a
    # ValueError traceback out of PyYAML
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a date ({exc})", node.start_mark
        ) from None


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_DecimalLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


@dataclass(frozen=True)
class Catalog:
    """All validated definitions of one folder, plus a fingerprint of the files they came from."""

    root: Path
    agreements: dict[str, Agreement]
    calendars: dict[str, Calendar]
    reviews: dict[str, ReviewLog]
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    adjustments: tuple[Adjustment, ...] = ()  # adjustments/*.yaml, in file and entry order

    @property
    def sha256(self) -> str:
        """One hash over every file's name and content: the definitions version of a run."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(f"{name}\0{self.files[name]}\n".encode())
        return digest.hexdigest()


def _field_path(loc: tuple[Any, ...]) -> str:
    """pydantic's ``('versions', 0, 'objectives', 1, 'availability', 'target')`` ->
    ``versions[0].objectives[1].target`` (the discriminator tag is not a field of the file)."""
    text = ""
    kinds = {"availability", "first_response", "resolution", "csat", "latency_p95"}
    for index, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in kinds and index > 0 and isinstance(loc[index - 1], int):
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def _messages(path: str, error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors(include_url=False):
        message = item["msg"].removeprefix("Value error, ")
        where = _field_path(tuple(item["loc"]))
        if item["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see docs/agreement.schema.json)"
        elif item["type"] == "missing":
            message = "required field is missing"
        elif item["type"] == "finite_number":
            message = "must be a finite number (not .nan or .inf)"
        elif item["type"] == "union_tag_invalid":
            message = (
                f"unknown kind {item['input'].get('kind')!r}: one of availability, "
                "first_response, resolution, csat, latency_p95"
            )
        lines.append(f"{path}: {where}: {message}")
    return lines


def _read_yaml(path: Path, label: str, errors: list[str]) -> Any | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.append(f"{label}: (file): not UTF-8 text")
        return None
    try:
        document = yaml.load(text, Loader=_DecimalLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(f"{label}: {where}: invalid YAML: {problem}")
        return None
    if not isinstance(document, dict):
        errors.append(f"{label}: (top level): expected a mapping of fields, got {document!r}")
        return None
    return document


def _parse(model: type[M], path: Path, label: str, errors: list[str]) -> M | None:
    return _parse_document(model, path, label, errors)[1]


def _parse_document(
    model: type[M], path: Path, label: str, errors: list[str]
) -> tuple[dict[str, Any] | None, M | None]:
    """The file's mapping (None when it is not readable YAML) and its model (None when invalid):
    a file with schema errors still has its cross-file references checked from the mapping."""
    document = _read_yaml(path, label, errors)
    if document is None:
        return None, None
    try:
        return document, model.model_validate(document)
    except ValidationError as exc:
        errors.extend(_messages(label, exc))
        return document, None


def _calendar_references(document: dict[str, Any]) -> list[tuple[str, str]]:
    """``(field path, calendar id)`` of every calendar an agreement mapping names, read from the
    mapping itself so that a file with schema errors elsewhere still has them checked."""
    references = []
    if isinstance(document.get("calendar"), str):
        references.append(("calendar", document["calendar"]))
    versions = document.get("versions")
    for v_index, version in enumerate(versions if isinstance(versions, list) else []):
        objectives = version.get("objectives") if isinstance(version, dict) else None
        for o_index, objective in enumerate(objectives if isinstance(objectives, list) else []):
            own = objective.get("calendar") if isinstance(objective, dict) else None
            if isinstance(own, str):
                where = f"versions[{v_index}].objectives[{o_index}].calendar"
                references.append((where, own))
    return references


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    # `Upper.YAML` is read like `upper.yaml`: a definitions file is never silently ignored
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in YAML_SUFFIXES and p.is_file())


def _label(path: Path) -> str:
    return str(path)


def _check_sources(root: Path, errors: list[str]) -> None:
    """The one-line error of ``<root>/sources.yaml``, if any (file and field named)."""
    # imported here: the adapters import the landing contract, which the loader need not load
    from orchestration.lib.landing.adapters import SourcesConfigError, load_sources_config

    try:
        load_sources_config(root)
    except SourcesConfigError as error:
        errors.append(str(error))


def load_catalog(path: str | Path) -> Catalog:
    """Validate a definitions folder (or one agreement or calendar file) and return it.

    Raises DefinitionsError listing every problem as ``<file>: <field path>: <message>``.
    """
    target = Path(path)
    errors: list[str] = []
    if not target.exists():
        raise DefinitionsError([f"{target}: (path): does not exist"])

    if target.is_file():
        # a single file: its neighbours give the calendars it may reference
        root = target.parent.parent
        kind = target.parent.name
        agreement_files = [target] if kind != "calendars" else []
        calendar_files = _yaml_files(root / "calendars") if kind != "calendars" else [target]
        review_files: list[Path] = []
        adjustment_paths: list[Path] = []
    else:
        root = target
        agreement_files = _yaml_files(root / "agreements")
        calendar_files = _yaml_files(root / "calendars")
        review_files = _yaml_files(root / "reviews")
        adjustment_paths = adjustment_files(root)
        # sources.yaml (docs/adapters.md): its adapters and options are part of the definitions
        if (root / "sources.yaml").is_file():
            _check_sources(root, errors)
        if not agreement_files:
            errors.append(f"{root / 'agreements'}: (folder): no agreement files (*.yaml)")

    files: dict[str, str] = {}
    for file in [*agreement_files, *calendar_files, *review_files, *adjustment_paths]:
        try:
            relative = file.relative_to(root).as_posix()
        except ValueError:
            relative = file.name
        files[relative] = hashlib.sha256(file.read_bytes()).hexdigest()
    if target.is_dir() and (root / "sources.yaml").is_file():
        files["sources.yaml"] = hashlib.sha256((root / "sources.yaml").read_bytes()).hexdigest()

    calendars: dict[str, Calendar] = {}
    # calendars whose file has errors of its own: a reference to one is not a second error
    broken_calendars: set[str] = set()
    for file in calendar_files:
        document, calendar = _parse_document(Calendar, file, _label(file), errors)
        if calendar is None:
            named = document.get("id") if document is not None else None
            broken_calendars.add(named if isinstance(named, str) else file.stem)
            continue
        if calendar.id in calendars:
            errors.append(f"{_label(file)}: id: calendar {calendar.id!r} is defined twice")
        calendars[calendar.id] = calendar

    agreements: dict[str, Agreement] = {}
    agreement_paths: dict[str, Path] = {}
    known = ", ".join(sorted(calendars)) or "none found"
    for file in agreement_files:
        label = _label(file)
        document, agreement = _parse_document(Agreement, file, label, errors)
        if document is None:
            continue
        # cross-file references are checked on every file that parsed as YAML, valid or not
        for where, calendar_id in _calendar_references(document):
            if calendar_id not in calendars and calendar_id not in broken_calendars:
                folder = f" in {root / 'calendars'}" if where == "calendar" else ""
                errors.append(
                    f"{label}: {where}: no calendar {calendar_id!r}{folder} (known: {known})"
                )
        if agreement is None:
            continue
        if agreement.id in agreements:
            errors.append(
                f"{label}: id: agreement {agreement.id!r} is also defined in "
                f"{_label(agreement_paths[agreement.id])}"
            )
            continue
        agreements[agreement.id] = agreement
        agreement_paths[agreement.id] = file

    reviews: dict[str, ReviewLog] = {}
    for file in review_files:
        log = _parse(ReviewLog, file, _label(file), errors)
        if log is None:
            continue
        agreement_id = log.agreement_id or file.stem
        if agreement_id not in agreements and agreement_id not in {
            Path(p).stem for p in files if p.startswith("agreements/")
        }:
            errors.append(f"{_label(file)}: agreement_id: no agreement {agreement_id!r}")
        reviews[agreement_id] = log

    parsed_adjustments: list[tuple[str, list[Adjustment]]] = []
    for file in adjustment_paths:
        adjustments_file = _parse(AdjustmentsFile, file, _label(file), errors)
        if adjustments_file is None:
            continue
        entries = list(adjustments_file.adjustments)
        check_references(_label(file), entries, agreements, errors)
        parsed_adjustments.append((_label(file), entries))
    adjustments = check_unique_ids(parsed_adjustments, errors)

    if errors:
        raise DefinitionsError(errors)
    return Catalog(root, agreements, calendars, reviews, files, tuple(adjustments))
