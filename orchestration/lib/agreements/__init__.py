"""Agreement definitions as code: the YAML format, its validation and its loading."""

from orchestration.lib.agreements.loader import Catalog, DefinitionsError, load_catalog

__all__ = ["Catalog", "DefinitionsError", "load_catalog"]
