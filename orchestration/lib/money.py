"""Money as exact decimals: two places, half-up rounding, text without float artefacts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value: Decimal | int | str) -> Decimal:
    """Round to two places the way invoices do (half up), never through a float."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(value: Decimal | None, *, grouping: bool = False) -> str:
    """``Decimal('1234.5')`` -> ``'1234.50'`` (``'1,234.50'`` with grouping); None -> ``''``."""
    if value is None:
        return ""
    return format(to_cents(value), ",.2f" if grouping else ".2f")
