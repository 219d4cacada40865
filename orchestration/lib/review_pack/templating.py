"""The one Jinja2 environment of the review pack (the HTML page and the trend chart's SVG)."""

from __future__ import annotations

from functools import cache

import jinja2

from orchestration.lib.settings import TEMPLATES_DIR


@cache
def environment() -> jinja2.Environment:
    # autoescape everywhere: customer names, contacts and review items come from users' files
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
