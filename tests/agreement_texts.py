"""Definition texts shared by the hand-made scenarios: the UTC 24x7 calendar and an agreement head.

Imported as ``agreement_texts`` (``tests/`` is on sys.path through its conftest.py). On the UTC
24x7 calendar a period's minutes are plain UTC minutes (March 2026: 31 x 1440 = 44,640), which
is what the hand arithmetic of those scenarios counts.
"""

from __future__ import annotations

from pathlib import Path

UTC_CALENDAR = """\
id: utc-24x7
timezone: UTC
hours: {mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00",
        fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00"}
"""


def write_utc_calendar(definitions_dir: Path) -> None:
    """Add the ``utc-24x7`` calendar to a definitions folder (its calendars/ already exists)."""
    (definitions_dir / "calendars" / "utc-24x7.yaml").write_text(UTC_CALENDAR, encoding="utf-8")


def agreement_head(agreement_id: str, *, customer: str | None = None, currency: str = "EUR",
                   period: str = "monthly", calendar: str = "utc-24x7") -> str:  # fmt: skip
    """The lines of an agreement before ``versions:`` (Northwind is every scenario's provider)."""
    return (
        f"id: {agreement_id}\ncustomer: {customer or f'{agreement_id} customer'}\n"
        f"provider: Northwind\ncurrency: {currency}\nperiod: {period}\ncalendar: {calendar}\n"
    )
