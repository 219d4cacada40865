"""maintenance: {notice, max_minutes_per_period, allowed_windows} as the definitions tables
carry them: the shorthand, windows across midnight cut into local-day pieces."""

from __future__ import annotations

from orchestration.lib.agreements.schema import AllowedWindow, Maintenance, Version


def test_a_window_across_midnight_is_its_start_day_to_24h_and_the_next_morning():
    window = AllowedWindow(days=["sat", "sun"], start="22:00", end="06:00")
    # sat = ISO 6, sun = 7, the Monday after = 1; 22:00 = 1320 min, 06:00 = 360 min
    assert window.day_intervals() == [(6, 1320, 1440), (7, 0, 360), (7, 1320, 1440), (1, 0, 360)]


def test_a_window_within_a_day_and_one_ending_at_midnight_are_one_piece():
    assert AllowedWindow(days=["tue"], start="01:30", end="04:00").day_intervals() == [
        (2, 90, 240)  # 01:30 = 90 min, 04:00 = 240 min
    ]
    assert AllowedWindow(days=["fri"], start="20:00", end="24:00").day_intervals() == [
        (5, 1200, 1440)
    ]
    # 00:00 as an end crosses into the next day with nothing on it
    assert AllowedWindow(days=["sun"], start="23:00", end="00:00").day_intervals() == [
        (7, 1380, 1440)
    ]


def test_maintenance_notice_is_shorthand_for_maintenance_notice():
    base = {
        "version": 1,
        "effective_from": "2026-01-01",
        "monthly_fee": "100.00",
        "objectives": [{"id": "a", "kind": "availability", "service": "web", "target": 99}],
    }
    short = Version.model_validate({**base, "maintenance_notice": "48h"})
    full = Version.model_validate({**base, "maintenance": {"notice": "48h"}})
    # 48 h = 172,800 s either way; no notice at all = 0
    assert short.maintenance_notice_seconds == full.maintenance_notice_seconds == 172_800
    assert Version.model_validate(base).maintenance_notice_seconds == 0
    assert Maintenance(max_minutes_per_period=240).notice is None
