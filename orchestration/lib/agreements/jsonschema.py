"""JSON Schemas of the definition files, for editors (YAML language servers) and reviewers."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from orchestration.lib.agreements.adjustments import AdjustmentsFile
from orchestration.lib.agreements.schema import Agreement, Calendar, ReviewLog

SCHEMAS: dict[str, type[BaseModel]] = {
    "agreement.schema.json": Agreement,
    "calendar.schema.json": Calendar,
    "review.schema.json": ReviewLog,
    "adjustments.schema.json": AdjustmentsFile,
}


def schema_texts() -> dict[str, str]:
    """File name -> schema text, stable (sorted keys) so the committed copies can be diffed."""
    texts = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        texts[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return texts


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
