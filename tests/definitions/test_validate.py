"""`sla validate`: every broken definition is reported with its file and field path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.lib.agreements import DefinitionsError, load_catalog
from orchestration.lib.settings import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "sla_definitions"
ACME = (EXAMPLES / "agreements" / "acme-hosting.yaml").read_text(encoding="utf-8")
runner = CliRunner()


def _folder(tmp_path: Path, agreement_text: str, calendar_text: str | None = None) -> Path:
    root = tmp_path / "defs"
    shutil.copytree(EXAMPLES / "calendars", root / "calendars")
    (root / "agreements").mkdir(parents=True)
    (root / "agreements" / "acme-hosting.yaml").write_text(agreement_text, encoding="utf-8")
    if calendar_text is not None:
        (root / "calendars" / "de-office-hours.yaml").write_text(calendar_text, encoding="utf-8")
    return root


def _replace(old: str, new: str, count: int = 1) -> str:
    assert old in ACME, f"test setup: {old!r} not in the example"
    return ACME.replace(old, new, count)


CALENDAR = (EXAMPLES / "calendars" / "de-office-hours.yaml").read_text(encoding="utf-8")

# (case, agreement text, calendar text or None, expected field path, expected words in message)
BROKEN_AGREEMENTS = [
    ("unknown key", _replace("    target: 99.9\n", "    targte: 99.9\n"),
     None, "versions[0].objectives[0].targte", "unknown field"),
    ("target over 100 %", _replace("target: 99.9\n", "target: 120\n"),
     None, "versions[0].objectives[0].target", "less than or equal to 100"),
    ("wrong type", _replace("monthly_fee: 12000.00", "monthly_fee: twelve thousand"),
     None, "versions[0].monthly_fee", "decimal"),
    ("empty tiers", _replace("credits: [{below: 95, credit_pct: 5}]", "credits: []"),
     None, "versions[0].objectives[1].credits", "at least 1 item"),
    ("overlapping versions", _replace("effective_from: 2026-07-01", "effective_from: 2026-01-01"),
     None, "versions", "overlaps versions[0]"),
    ("effective date not a period start",
     _replace("effective_from: 2026-07-01", "effective_from: 2026-07-15"),
     None, "versions", "versions[1].effective_from: 2026-07-15 is not the first day of a month"),
    ("calendar that does not exist", _replace("calendar: de-office-hours", "calendar: nowhere"),
     None, "calendar", "no calendar 'nowhere'"),
    ("unknown objective kind", _replace("kind: csat", "kind: happiness"),
     None, "versions[0].objectives[3]", "unknown kind 'happiness'"),
    ("missing required field", _replace("customer: ACME Corp\n", ""),
     None, "customer", "required field is missing"),
    ("bad duration", _replace("within: 30m", "within: 30", 1),
     None, "escalation[0].within", "not a duration"),
    # issue 13: unknown time and maintenance limits
    ("missing_data not a rule",
     _replace("    target: 99.9\n", "    target: 99.9\n        missing_data: maybe\n"),
     None, "versions[0].objectives[0].missing_data", "'exclude', 'up' or 'down'"),
    *[
        (case, _replace("    maintenance_notice: 48h", f"    maintenance: {block}"),
         None, field, words)
        for case, block, field, words in [
            ("maintenance: unknown key", "{notice: 48h, max_minutes: 240}",
             "versions[0].maintenance.max_minutes", "unknown field"),
            ("maintenance: notice not a duration", "{notice: 48}",
             "versions[0].maintenance.notice", "not a duration"),
            ("maintenance: cap of 0 minutes", "{max_minutes_per_period: 0}",
             "versions[0].maintenance.max_minutes_per_period", "greater than or equal to 1"),
            ("maintenance: no allowed window", "{allowed_windows: []}",
             "versions[0].maintenance.allowed_windows", "at least 1 item"),
            ("maintenance: unknown day",
             '{allowed_windows: [{days: [sat, funday], start: "22:00", end: "06:00"}]}',
             "versions[0].maintenance.allowed_windows[0].days[1]", "'mon'"),
            ("maintenance: no days",
             '{allowed_windows: [{days: [], start: "22:00", end: "06:00"}]}',
             "versions[0].maintenance.allowed_windows[0].days", "at least 1 item"),
            ("maintenance: start not a time",
             '{allowed_windows: [{days: [sat], start: "25:00", end: "06:00"}]}',
             "versions[0].maintenance.allowed_windows[0].start", "not a time of day"),
            ("maintenance: end missing", '{allowed_windows: [{days: [sat], start: "22:00"}]}',
             "versions[0].maintenance.allowed_windows[0].end", "required field is missing"),
            ("maintenance: empty window",
             '{allowed_windows: [{days: [sat], start: "22:00", end: "22:00"}]}',
             "versions[0].maintenance.allowed_windows[0]", "the window would be empty"),
            ("maintenance: notice given twice", "{notice: 24h}\n    maintenance_notice: 48h",
             "versions[0]", "not both"),
        ]
    ],
    ("unknown period", _replace("period: monthly ", "period: weekly "),
     None, "period", "'monthly' or 'quarterly'"),
    ("credit percentage over 100", _replace("{below: 95.0, credit_pct: 100}",
                                            "{below: 95.0, credit_pct: 150}"),
     None, "versions[0].objectives[0].credits[2].credit_pct", "less than or equal to 100"),
    ("tier without threshold", _replace("{below: 90, credit_pct: 5}", "{credit_pct: 5}"),
     None, "versions[0].objectives[2].credits[0]", "exactly one of `below` or `above`"),
    ("duplicate objective id", _replace("- id: p1-first-response", "- id: availability", 1),
     None, "versions[0].objectives", "'availability' is used twice"),
    ("invalid YAML", ACME + "\n  bad: [unclosed\n", None, "line", "invalid YAML"),
    ("duplicate key", _replace("currency: EUR\n", "currency: EUR\ncurrency: USD\n"),
     None, "line", "given twice"),
    ("lowercase currency", _replace("currency: EUR", "currency: eur"),
     None, "currency", "should match pattern"),
    ("chronic breach impossible",
     _replace("      breaches: 3\n", "      breaches: 7\n"),
     None, "versions[0].chronic_breach", "cannot exceed"),
    ("calendar: unknown time zone", ACME, CALENDAR.replace("Europe/Berlin", "Europe/Atlantis"),
     "timezone", "not an IANA time zone"),
    ("calendar: hours end before start", ACME, CALENDAR.replace('mon: "09:00-17:00"',
                                                               'mon: "17:00-09:00"'),
     "hours.mon", "ends before it starts"),
    ("calendar: unknown holiday region", ACME, CALENDAR.replace("subdivision: BE",
                                                               "subdivision: XX"),
     "holidays", "subdivision 'XX' is not known"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("agreement", "calendar", "field", "words"),
    [case[1:] for case in BROKEN_AGREEMENTS],
    ids=[case[0] for case in BROKEN_AGREEMENTS],
)
def test_broken_definition_names_file_and_field(tmp_path, agreement, calendar, field, words):
    root = _folder(tmp_path, agreement, calendar)
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(root)
    broken_file = "de-office-hours.yaml" if calendar is not None else "acme-hosting.yaml"
    matching = [
        line
        for line in raised.value.errors
        if broken_file in line and f": {field}" in line and words in line
    ]
    assert matching, f"no error names {broken_file}, {field!r} and {words!r}: {raised.value.errors}"


def test_every_error_is_reported_at_once(tmp_path):
    text = _replace("target: 99.9\n", "target: 120\n")
    text = text.replace("currency: EUR", "currency: euro")
    root = _folder(tmp_path, text)
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(root)
    fields = {line.split(": ")[1] for line in raised.value.errors}
    assert {"currency", "versions[0].objectives[0].target"} <= fields


def test_example_definitions_validate():
    catalog = load_catalog(EXAMPLES)
    acme = catalog.agreements["acme-hosting"]
    assert [v.version for v in acme.versions] == [1, 2]
    # money is read from the YAML text, never through a binary float
    assert str(acme.versions[0].monthly_fee) == "12000.00"
    assert acme.versions[0].maintenance_notice_seconds == 48 * 3600


def test_version_in_force_is_latest_started():
    acme = load_catalog(EXAMPLES).agreements["acme-hosting"]
    import datetime as dt

    assert acme.version_for(dt.date(2026, 6, 1)).version == 1
    assert acme.version_for(dt.date(2026, 7, 1)).version == 2
    assert acme.version_for(dt.date(2025, 12, 1)) is None


def test_cli_validate_exit_codes_and_messages(tmp_path):
    ok = runner.invoke(app, ["validate", str(EXAMPLES)])
    assert ok.exit_code == 0, ok.output
    assert re.search(r"ok: \d+ agreement", ok.output)

    root = _folder(tmp_path, _replace("target: 99.9\n", "target: 120\n"))
    failed = runner.invoke(app, ["validate", str(root)])
    assert failed.exit_code == 1
    assert "acme-hosting.yaml: versions[0].objectives[0].target:" in failed.output


def test_cli_validate_single_file_uses_neighbouring_calendars(tmp_path):
    root = _folder(tmp_path, _replace("calendar: de-office-hours", "calendar: nowhere"))
    result = runner.invoke(app, ["validate", str(root / "agreements" / "acme-hosting.yaml")])
    assert result.exit_code == 1
    assert "acme-hosting.yaml: calendar: no calendar 'nowhere'" in result.output


def test_json_schema_in_docs_is_current():
    from orchestration.lib.agreements.jsonschema import schema_texts

    for name, text in schema_texts().items():
        committed = (PROJECT_ROOT / "docs" / name).read_text(encoding="utf-8")
        assert committed == text, f"docs/{name} is stale: run `sla schema --out docs`"


def test_an_upper_case_extension_is_read_not_ignored(tmp_path: Path):
    """Regression: `upper.YAML` was skipped while `sla validate` said "ok"."""
    folder = tmp_path / "definitions"
    shutil.copytree(EXAMPLES, folder)
    agreement = folder / "agreements" / "acme-hosting.yaml"
    agreement.rename(agreement.with_name("acme-hosting.YAML"))
    assert "acme-hosting" in load_catalog(folder).agreements
    # and a broken one is refused with its file named
    broken = folder / "agreements" / "acme-hosting.YAML"
    broken.write_text(broken.read_text().replace("currency: EUR", "currency: euros"))
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(folder)
    assert any("acme-hosting.YAML" in line for line in raised.value.errors)


def _example_folder(tmp_path: Path, changes: dict[str, tuple[str, str]]) -> Path:
    """A copy of the shipped definitions with ``{relative file: (old text, new text)}`` applied."""
    root = tmp_path / "defs"
    shutil.copytree(EXAMPLES, root)
    for relative, (old, new) in changes.items():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_validate_reports_three_errors_in_three_files_in_one_run(tmp_path):
    # a misspelt key, a wrong kind and an unknown calendar, one per file: one run names all three
    root = _example_folder(
        tmp_path,
        {
            "agreements/acme-hosting.yaml": ("    target: 99.9\n", "    targte: 99.9\n"),
            "agreements/globex-support.yaml": ("kind: csat", "kind: happiness"),
            "agreements/initech-platform.yaml": (
                "calendar: uk-support-hours",
                "calendar: atlantis-hours",
            ),
        },
    )
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        line.endswith("acme-hosting.yaml: versions[0].objectives[0].targte: unknown field "
                      "(check the spelling; see docs/agreement.schema.json)")
        for line in lines
    ), lines  # fmt: skip
    assert any(
        "globex-support.yaml: versions[0].objectives[" in line
        and "unknown kind 'happiness'" in line
        for line in lines
    ), lines
    assert any(
        "initech-platform.yaml: calendar: no calendar 'atlantis-hours'" in line for line in lines
    ), lines
    # 4 = the three above + acme's `target` reported missing beside the misspelt `targte`
    assert lines[-1] == f"4 error(s) in {root}"


def test_unknown_calendar_is_reported_with_the_schema_errors_of_the_same_file(tmp_path):
    # the passes of issue 14: a misspelt key and a wrong kind hid the unknown calendar until fixed
    text = _replace("    target: 99.9\n", "    targte: 99.9\n")
    text = text.replace("kind: csat", "kind: happiness").replace(
        "calendar: de-office-hours", "calendar: nowhere", 1
    )
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(_folder(tmp_path, text))
    fields = {line.split(": ")[1] for line in raised.value.errors}
    assert fields == {
        "versions[0].objectives[0].target",  # missing, beside the misspelt key
        "versions[0].objectives[0].targte",
        "versions[0].objectives[3]",
        "calendar",
    }, raised.value.errors


def test_reference_to_a_broken_calendar_is_not_a_second_error(tmp_path):
    root = _folder(tmp_path, ACME, CALENDAR.replace("Europe/Berlin", "Europe/Atlantis"))
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(root)
    assert [line for line in raised.value.errors if "no calendar" in line] == []
    assert any("de-office-hours.yaml: timezone:" in line for line in raised.value.errors)
