"""The sample data generator: deterministic, valid definitions, the landing contract, dirt."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest

from orchestration.generate import DIRTY_KINDS, GenerationSummary, generate_dataset
from orchestration.generate import SOURCES as GENERATED
from orchestration.lib.agreements import load_catalog
from orchestration.lib.landing_contract import SOURCES

if TYPE_CHECKING:  # only the annotation of _referenced_services
    from orchestration.lib.agreements import Catalog

REPO = Path(__file__).resolve().parents[1]
OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
ISO = "%Y-%m-%dT%H:%M:%S%:z"
# the landing contract's file columns, in order, stated by hand (docs/landing.md)
FILE_COLUMNS = {
    "probes": ["service_id", "checked_at", "ok", "latency_ms", "location"],
    "tickets": [
        "ticket_id", "agreement_id", "priority", "created_at", "first_response_at",
        "resolved_at", "csat_score",
    ],
    "ticket_events": ["ticket_id", "status", "changed_at"],
    "maintenance": ["service_id", "starts_at", "ends_at", "announced_at"],
}  # fmt: skip
# in Parquet and JSON Lines only the measurements are numbers: every other value is text, so a
# dirty value (``maybe``, ``31/01/2026 14:05``) survives in every format as it does in CSV
NUMBERS = {"latency_ms": pl.Float64, "csat_score": pl.Int64}


def _file_schema(source: str) -> dict[str, type[pl.DataType]]:
    """The columns the landing contract gives a file of ``source``, with their file types."""
    return {name: NUMBERS.get(name, pl.String) for name in SOURCES[source].column_names}


TIMES = {
    "probes": ["checked_at"],
    "tickets": ["created_at", "first_response_at", "resolved_at"],
    "ticket_events": ["changed_at"],
    "maintenance": ["starts_at", "ends_at", "announced_at"],
}
# small but complete: a synthesised 4th agreement, extra services, two months across the
# March DST changes (US and EU), every format
ARGS = dict(
    agreements=4,
    months=2,
    start="2026-03",
    services=5,
    formats=("csv", "parquet", "jsonl"),
    probe_interval_seconds=120,
    tickets_per_agreement_month=120,
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GenerationSummary]:
    base = tmp_path_factory.mktemp("generate")
    return {
        "a": generate_dataset(base / "a", seed=11, **ARGS),  # type: ignore[arg-type]
        "b": generate_dataset(base / "b", seed=11, **ARGS),  # type: ignore[arg-type]
        # months are generated from their own streams, so one month in one format will do
        "c": generate_dataset(
            base / "c",
            seed=12,
            **{**ARGS, "months": 1, "formats": ("csv",)},  # type: ignore[arg-type]
        ),
    }


@pytest.fixture(scope="module")
def run(runs: dict[str, GenerationSummary]) -> GenerationSummary:
    return runs["a"]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _csv(run: GenerationSummary, source: str) -> pl.DataFrame:
    """All months of a source as text, with each row's month, data row number and dirty kind."""
    manifest = pl.read_csv(run.out / "generator" / "dirty_rows.csv", infer_schema=False)
    frames = []
    for month in run.months:
        path = run.out / "landing" / source / f"{source}-{month}.csv"
        frame = pl.read_csv(path, infer_schema=False).with_row_index("row", offset=1)
        frames.append(frame.with_columns(month=pl.lit(month), row=pl.col("row").cast(pl.String)))
    return pl.concat(frames).join(
        manifest.filter(pl.col("source") == source).drop("source"), on=["month", "row"], how="left"
    )


def _clean(run: GenerationSummary, source: str) -> pl.DataFrame:
    return _csv(run, source).filter(pl.col("kind").is_null())


def _ts(column: str) -> pl.Expr:
    return pl.col(column).str.to_datetime(ISO, strict=False)


# --- determinism --------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(runs: dict[str, GenerationSummary]) -> None:
    first, second = _tree(runs["a"].out), _tree(runs["b"].out)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_another_seed_gives_other_data(runs: dict[str, GenerationSummary]) -> None:
    first, other = _tree(runs["a"].out), _tree(runs["c"].out)
    assert set(other) - set(first) == set()
    for source in GENERATED:  # the sources the generator writes (not the adapters-only)
        name = f"landing/{source}/{source}-2026-03.csv"
        assert first[name] != other[name], name
    # the shipped agreements are copied, whatever the seed
    assert (
        first["sla_definitions/agreements/acme-hosting.yaml"]
        == (other["sla_definitions/agreements/acme-hosting.yaml"])
    )


def test_a_month_does_not_depend_on_how_many_follow(tmp_path: Path) -> None:
    small = dict(agreements=1, seed=5, probe_interval_seconds=600, tickets_per_agreement_month=50)
    one = generate_dataset(tmp_path / "one", months=1, **small)  # type: ignore[arg-type]
    two = generate_dataset(tmp_path / "two", months=2, **small)  # type: ignore[arg-type]
    for path in one.landing_files:
        relative = path.relative_to(one.out)
        assert path.read_bytes() == (two.out / relative).read_bytes(), relative


# --- definitions --------------------------------------------------------------------------------


def test_definitions_validate_and_start_with_the_shipped_ones(run: GenerationSummary) -> None:
    catalog = load_catalog(run.out / "sla_definitions")
    assert sorted(catalog.agreements) == [
        "acme-hosting",
        "customer-0004",
        "globex-support",
        "initech-platform",
    ]
    assert run.agreements == tuple(catalog.agreements)
    for name in ("acme-hosting", "globex-support", "initech-platform"):
        copied = run.out / "sla_definitions" / "agreements" / f"{name}.yaml"
        assert (
            copied.read_bytes()
            == (REPO / "sla_definitions" / "agreements" / f"{name}.yaml").read_bytes()
        )
    shipped = {p.name for p in (REPO / "sla_definitions" / "calendars").glob("*.yaml")}
    assert {p.name for p in (run.out / "sla_definitions" / "calendars").glob("*.yaml")} == shipped
    synthesised = catalog.agreements["customer-0004"]
    assert synthesised.calendar in catalog.calendars
    assert synthesised.versions[0].effective_from.isoformat() <= "2026-03-01"


def test_many_synthesised_agreements_validate(tmp_path: Path) -> None:
    from orchestration.generate.agreements import default_source, write_definitions
    from orchestration.generate.common import month_range

    definitions = write_definitions(
        tmp_path,
        source=default_source(),
        count=40,
        seed=3,
        months=month_range("2026-01", 12),
        services=10,
    )
    catalog = definitions.catalog
    assert len(catalog.agreements) == 40
    assert {a.period for a in catalog.agreements.values()} == {"monthly", "quarterly"}
    assert any(len(a.versions) == 2 for a in catalog.agreements.values())
    assert len(_referenced_services(catalog)) <= 10


def test_project_definitions_validate() -> None:
    catalog = load_catalog(REPO / "sla_definitions")
    globex, initech = catalog.agreements["globex-support"], catalog.agreements["initech-platform"]
    assert (globex.period, globex.currency, globex.calendar) == (
        "quarterly",
        "USD",
        "us-business-hours",
    )
    assert globex.versions[0].min_credit_amount > 0
    assert any(o.warning is not None for o in globex.versions[0].objectives)
    assert (initech.period, initech.currency, len(initech.versions)) == ("monthly", "GBP", 2)
    assert str(initech.versions[1].effective_from) == "2026-04-01"
    assert catalog.calendars["uk-support-hours"].intervals("mon") == [(480, 720), (780, 1080)]


# --- the landing contract -----------------------------------------------------------------------


def test_the_stated_columns_are_the_landing_contract() -> None:
    assert {name: SOURCES[name].column_names for name in GENERATED} == FILE_COLUMNS


def test_files_have_the_contract_columns_in_order(run: GenerationSummary) -> None:
    # 4 sources x 2 months x 3 formats
    assert len(run.landing_files) == 24
    for path in run.landing_files:
        source = path.parent.name
        assert re.fullmatch(rf"{source}-2026-0[34]\.(csv|parquet|jsonl)", path.name)
        expected = SOURCES[source].column_names
        if path.suffix == ".csv":
            raw = path.read_bytes()
            assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
            assert raw.split(b"\n", 1)[0].decode() == ",".join(expected)
        elif path.suffix == ".parquet":
            assert pl.read_parquet_schema(path) == _file_schema(source)
        else:
            assert list(json.loads(path.open(encoding="utf-8").readline())) == expected
    header = (run.out / "landing" / "tickets" / "tickets-2026-03.csv").open().readline()
    assert header == (
        "ticket_id,agreement_id,priority,created_at,first_response_at,resolved_at,csat_score\n"
    )


def test_every_format_holds_the_same_rows(run: GenerationSummary) -> None:
    for source in GENERATED:
        path = run.out / "landing" / source / f"{source}-2026-04"
        text = pl.read_csv(path.with_suffix(".csv"), infer_schema=False)
        schema = _file_schema(source)
        as_text = [pl.col(c).cast(pl.String) for c in schema]
        parquet = pl.read_parquet(path.with_suffix(".parquet")).select(as_text)
        jsonl = pl.read_ndjson(path.with_suffix(".jsonl"), schema=schema).select(as_text)
        for other in (parquet, jsonl):
            # numbers print alike once read back (CSV keeps 123.0 as text)
            assert other.height == text.height
            assert other.drop("latency_ms", strict=False).equals(
                text.drop("latency_ms", strict=False)
            )


def test_clean_timestamps_carry_an_offset(run: GenerationSummary) -> None:
    offsets = set()
    for source, columns in TIMES.items():
        clean = _clean(run, source)
        for column in columns:
            values = clean[column].drop_nulls()
            assert values.str.contains(OFFSET.pattern).all(), (source, column)
            offsets |= set(values.str.slice(19).unique())
    # probes and maintenance are written in UTC, tickets in the agreement's local time
    assert {"+00:00", "+01:00", "+02:00", "-05:00", "-04:00"} <= offsets


def _referenced_services(catalog: Catalog) -> set[str]:
    """The services the agreements' objectives name, in any version."""
    return {
        o.service
        for a in catalog.agreements.values()
        for v in a.versions
        for o in v.objectives
        if hasattr(o, "service")
    }


def test_every_referenced_service_is_probed(run: GenerationSummary) -> None:
    catalog = load_catalog(run.out / "sla_definitions")
    referenced = _referenced_services(catalog)
    probed = set(_clean(run, "probes")["service_id"])
    assert referenced <= probed and len(probed) == 5 == len(run.services)
    assert set(_clean(run, "maintenance")["service_id"]) <= probed


# --- dirty rows ---------------------------------------------------------------------------------


def _problems(
    source: str, frame: pl.DataFrame, agreements: set[str], tickets: set[str]
) -> pl.DataFrame:
    """One boolean column per dirty kind, computed from the rows alone (kind -> is it wrong?)."""
    if source == "probes":
        return frame.select(
            missing_id=pl.col("service_id").is_null(),
            unparseable_timestamp=_ts("checked_at").is_null() & pl.col("checked_at").is_not_null(),
            invalid_boolean=~pl.col("ok").is_in(["true", "false"]),
        )
    if source == "ticket_events":
        return frame.select(unknown_ticket=~pl.col("ticket_id").is_in(list(tickets)))
    if source == "maintenance":
        return frame.select(ends_before_start=_ts("ends_at") < _ts("starts_at"))
    times = ["created_at", "first_response_at", "resolved_at"]
    bad = [(_ts(c).is_null() & pl.col(c).is_not_null()) for c in times]
    no_offset = [pl.col(c).str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$") for c in times]
    return frame.select(
        missing_id=pl.col("ticket_id").is_null(),
        unparseable_timestamp=pl.any_horizontal(
            [b & ~n.fill_null(False) for b, n in zip(bad, no_offset, strict=True)]
        ).fill_null(False),
        timestamp_without_offset=pl.any_horizontal(no_offset).fill_null(False),
        unknown_priority=~pl.col("priority").is_in(["P1", "P2", "P3", "P4"]),
        unknown_agreement=~pl.col("agreement_id").is_in(list(agreements)),
        resolved_before_created=(_ts("resolved_at") < _ts("created_at")).fill_null(False),
        first_response_before_created=(_ts("first_response_at") < _ts("created_at")).fill_null(
            False
        ),
        invalid_csat=~pl.col("csat_score").cast(pl.Int64).is_between(1, 5).fill_null(True),
        future_timestamp=(_ts("created_at").dt.year() > 2090).fill_null(False),
    )


def test_dirty_kinds_are_quarantine_reasons_of_their_source() -> None:
    # each injected mistake is named after the reason the loader gives it
    for source, kinds in DIRTY_KINDS.items():
        assert set(kinds) <= set(SOURCES[source].reason_codes), source
    assert set(DIRTY_KINDS["probes"]) == {"missing_id", "unparseable_timestamp", "invalid_boolean"}


def test_every_dirty_kind_is_injected_and_detectable(run: GenerationSummary) -> None:
    agreements = set(run.agreements)
    tickets = _csv(run, "tickets")
    known = set(tickets["ticket_id"].drop_nulls())
    for source, kinds in DIRTY_KINDS.items():
        assert set(run.dirty[source]) == set(kinds)
        assert all(count >= 2 for count in run.dirty[source].values()), run.dirty[source]
        frame = _csv(run, source)
        assert frame.height == run.rows[source]
        assert frame["kind"].drop_nulls().value_counts().height == len(kinds)
        flags = _problems(source, frame, agreements, known)
        clean = frame["kind"].is_null()
        for column in flags.columns:
            # the rule catches every row injected for it, and no clean row
            assert flags.filter(frame["kind"] == column)[column].all(), (source, column)
            assert not flags.filter(clean)[column].any(), (source, column)

    clean = tickets.filter(pl.col("kind").is_null())
    copies = tickets.filter(pl.col("kind").is_in(["duplicate_row", "conflicting_duplicate"]))
    columns = FILE_COLUMNS["tickets"]
    exact = copies.filter(pl.col("kind") == "duplicate_row")
    originals = exact.select(*columns, "month", dirty_row=pl.col("row").cast(pl.Int64)).join(
        clean.select(*columns, "month", row=pl.col("row").cast(pl.Int64)),
        on=[*columns, "month"],
        how="left",
        nulls_equal=True,
    )
    # every repeat has its original earlier in the same file
    assert originals["row"].null_count() == 0
    assert (originals["row"] < originals["dirty_row"]).all()
    conflict = copies.filter(pl.col("kind") == "conflicting_duplicate")
    assert conflict["ticket_id"].is_in(clean["ticket_id"]).all()
    assert (
        conflict.select(columns)
        .join(clean.select(columns), on=columns, how="semi", nulls_equal=True)
        .height
        == 0
    )


def test_dirty_share_scales_and_can_be_switched_off(tmp_path: Path) -> None:
    small = dict(agreements=1, months=1, seed=2, probe_interval_seconds=300)
    none = generate_dataset(tmp_path / "none", dirty_share=0, **small)  # type: ignore[arg-type]
    assert none.dirty_rows == dict.fromkeys(GENERATED, 0)
    five = generate_dataset(tmp_path / "five", dirty_share=0.05, **small)  # type: ignore[arg-type]
    probes = five.clean_rows["probes"]
    assert five.dirty_rows["probes"] == round(0.05 * probes)
    assert five.clean_rows == none.clean_rows


# --- realism and consistency of the clean rows --------------------------------------------------


def test_clean_tickets_and_history_agree(run: GenerationSummary) -> None:
    tickets = _clean(run, "tickets").with_columns(
        c=_ts("created_at"), f=_ts("first_response_at"), r=_ts("resolved_at")
    )
    assert tickets["ticket_id"].is_unique().all()
    assert tickets.filter(pl.col("f") < pl.col("c")).height == 0
    assert tickets.filter(pl.col("r") < pl.col("f")).height == 0
    assert tickets.filter(pl.col("r").is_not_null() & pl.col("f").is_null()).height == 0
    assert (tickets["c"].dt.strftime("%Y-%m").unique().sort().to_list()) == ["2026-03", "2026-04"]

    events = _clean(run, "ticket_events").with_columns(t=_ts("changed_at"))
    assert events["t"].is_null().sum() == 0
    for month in run.months:  # each file lists status changes in time order
        assert events.filter(pl.col("month") == month)["t"].is_sorted()
    history = events.group_by("ticket_id", maintain_order=True).agg(
        statuses=pl.col("status"),
        first=pl.col("t").first(),
        responded=pl.col("t").filter(pl.col("status") == "in_progress").first(),
        resolved=pl.col("t").filter(pl.col("status") == "resolved").first(),
        pauses=(pl.col("status") == "pending_customer").sum(),
    )
    joined = tickets.join(history, on="ticket_id", how="left")
    assert joined["statuses"].is_null().sum() == 0  # every ticket has a history
    assert (joined["first"] == joined["c"]).all()
    # the history's first response and resolution are the ticket's own timestamps
    for event, column in (("responded", "f"), ("resolved", "r")):
        same = (pl.col(event) == pl.col(column)) | (
            pl.col(column).is_null() & pl.col(event).is_null()
        )
        assert joined.select(same).to_series().all(), event
    allowed = {
        "new": {"in_progress"},
        "in_progress": {"pending_customer", "resolved"},
        "pending_customer": {"in_progress"},
        "resolved": {"closed"},
        "closed": set(),
    }
    for statuses in joined["statuses"].to_list():
        assert statuses[0] == "new"
        for before, after in itertools.pairwise(statuses):
            assert after in allowed[before], statuses
    assert set(events["ticket_id"]) <= set(tickets["ticket_id"])

    # the shape the generator promises, loosely
    share = tickets["priority"].value_counts(normalize=True)
    p1 = share.filter(pl.col("priority") == "P1")["proportion"].item()
    assert 0.005 < p1 < 0.08
    paused = (joined["pauses"] > 0).mean()
    assert 0.08 < paused < 0.25  # type: ignore[operator]
    open_share = tickets["r"].is_null().mean()
    assert 0 < open_share < 0.2  # type: ignore[operator]
    resolved = tickets.filter(pl.col("r").is_not_null())
    assert 0.2 < resolved["csat_score"].is_null().mean() < 0.4  # type: ignore[operator]
    assert resolved["csat_score"].cast(pl.Int64).mean() > 3.5  # type: ignore[operator]


def test_probes_and_maintenance_look_like_operations(run: GenerationSummary) -> None:
    probes = _clean(run, "probes")
    per_service = probes.group_by("service_id").agg(
        up=(pl.col("ok") == "true").mean(),
        rows=pl.len(),
        timeouts=(pl.col("ok") == "false").sum(),
    )
    checks = (31 + 30) * 24 * 60 // 2  # every two minutes
    assert (per_service["rows"] == checks).all()
    assert per_service["up"].is_between(0.9, 0.99999).all()
    assert per_service["timeouts"].min() > 0  # type: ignore[operator]
    assert probes["location"].null_count() > 0
    assert set(probes["location"].drop_nulls()) == {"eu-west", "us-east", "ap-southeast"}

    maintenance = _clean(run, "maintenance").with_columns(
        lead=(_ts("starts_at") - _ts("announced_at")).dt.total_hours(),
        length=(_ts("ends_at") - _ts("starts_at")).dt.total_minutes(),
    )
    assert (maintenance["length"] > 0).all() and (maintenance["lead"] > 0).all()
    late = (maintenance["lead"] < 48).mean()
    assert 0 < late < 0.6  # type: ignore[operator]


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="formats"):
        generate_dataset(tmp_path, agreements=1, months=1, seed=1, formats=("xlsx",))
    with pytest.raises(ValueError, match="start"):
        generate_dataset(tmp_path, agreements=1, months=1, seed=1, start="January")
