"""Great Expectations 1.x, called directly on small pandas batches that DuckDB prepares.

Why not GX's SQL datasource: over duckdb_engine it returns empty metric results (GX issues
#10738, #11579). Why not dagster-ge: it requires great-expectations<1. So each check asks DuckDB
for a small projection of a raw table (a group-by, the offending keys, a per-day count), and GX
validates that frame. GX is imported inside ``validate`` because its import costs seconds and
most code paths (the CLI, the loaders, their tests) never need it.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_SIZE = 10


@dataclass(frozen=True)
class Expect:
    """One expectation by its GX class name, e.g. ``Expect("ExpectColumnValuesToBeNull",
    column="rejected_file")``; built only once GX is imported."""

    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __init__(self, name: str, **kwargs: Any) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kwargs", kwargs)


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    observed_value: Any
    sample_values: list[Any]


@dataclass(frozen=True)
class Validation:
    success: bool
    outcomes: list[ExpectationOutcome]
    element_count: int

    @property
    def unexpected_count(self) -> int:
        return sum(o.unexpected_count or 0 for o in self.outcomes if not o.success)

    @property
    def sample_values(self) -> list[Any]:
        return [v for o in self.outcomes if not o.success for v in o.sample_values][:SAMPLE_SIZE]


def _quiet_gx() -> None:
    # no usage statistics sent from a reporting pipeline, and no tqdm bars in Dagster's logs
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@functools.cache
def _context() -> Any:
    """One ephemeral GX context per process: each new one creates a temporary docs-site folder
    that is never removed, so a context per check would litter /tmp on every run."""
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


@functools.cache
def _batch_definition() -> Any:
    """One pandas data source, asset and whole-frame batch definition per process: each
    validation hands its own frame in as a batch parameter. Registering a data source per
    validation cost as much as the validation itself."""
    return (
        _context()
        .data_sources.add_pandas("check_projections")
        .add_dataframe_asset("projection")
        .add_batch_definition_whole_dataframe("projection")
    )


def validate(frame: pd.DataFrame, expectations: list[Expect], name: str) -> Validation:
    """Validate ``frame`` with the given expectations (a GX suite on a pandas batch)."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=name)
    for expect in expectations:
        suite.add_expectation(getattr(gx.expectations, expect.name)(**expect.kwargs))
    result = batch.validate(
        suite,
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE},
    )
    outcomes = []
    for item in result.results:
        details = dict(item.result or {})
        outcomes.append(
            ExpectationOutcome(
                expectation=item.expectation_config.type,
                column=item.expectation_config.kwargs.get("column"),
                success=bool(item.success),
                unexpected_count=details.get("unexpected_count"),
                observed_value=details.get("observed_value"),
                sample_values=[_plain(v) for v in details.get("partial_unexpected_list", [])],
            )
        )
    return Validation(bool(result.success), outcomes, len(frame))


def _plain(value: Any) -> Any:
    """JSON-friendly sample values for Dagster metadata (timestamps, numpy scalars)."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
