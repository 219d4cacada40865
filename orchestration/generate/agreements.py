"""The definitions that go with a generated data set: shipped agreements first, then synthesised.

The first agreements are copied byte for byte from a definitions folder (the project's own
``sla_definitions/`` by default) in file-name order, with every calendar and the review logs of
the copied agreements. Beyond those, agreements ``customer-NNNN`` are synthesised: varied fees,
periods, targets and objectives, each on one of the shipped calendars and on services
``svc-NNNN`` shared between agreements (as a provider's customers share its platform). They are
written as plain YAML in the documented format, and the whole folder is validated with
``load_catalog`` before any data is generated from it.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from orchestration.generate.common import Month, rng_for
from orchestration.lib.agreements import Catalog, load_catalog
from orchestration.lib.agreements.loader import YAML_SUFFIXES

STREAM_DEFINITIONS = 21
FOLDERS = ("agreements", "calendars", "reviews")
PROVIDER = "Northwind Managed Services"
NAMES = (
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Stark",
    "Wayne",
    "Oscorp",
    "Gringotts",
    "Monarch",
    "Pied Piper",
    "Dunder Mifflin",
    "Massive Dynamic",
    "Aperture",
    "Black Mesa",
    "Blue Sun",
    "Virtucon",
    "Nakatomi",
)
SUFFIXES = ("Industries", "Logistics", "Retail", "Health", "Media", "Energy", "Foods", "Bank")
# the currency a customer on a calendar most likely pays in (by the calendar's holiday country)
CURRENCY = {"DE": "EUR", "FR": "EUR", "NL": "EUR", "GB": "GBP", "US": "USD", "CH": "CHF"}


@dataclass(frozen=True)
class Definitions:
    root: Path
    files: list[Path]
    copied: list[str]  # agreement ids taken from the source folder
    synthesised: list[str]
    catalog: Catalog


def default_source() -> Path:
    """The project's own ``sla_definitions/`` (the repository root is two levels up)."""
    return Path(__file__).resolve().parents[2] / "sla_definitions"


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())


# libyaml's emitter when present: 200 synthesised files dump in a fraction of the time
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# why ignore[valid-type,misc]: the base is chosen at import time (libyaml when installed)
class _Dumper(_SafeDumper):  # type: ignore[valid-type,misc]
    """Safe YAML that writes Decimals as plain numbers (money keeps its two decimals)."""


_Dumper.ignore_aliases = lambda self, data: True  # v2 restates v1: no &anchors


def _represent_mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.MappingNode:
    # small all-scalar mappings (tiers, escalation rows) on one line, as the shipped files do;
    # objectives always as blocks, however short, so that they read alike
    flow = "kind" not in data and not any(isinstance(v, dict | list) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


_Dumper.add_representer(dict, _represent_mapping)
_Dumper.add_representer(
    Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value))
)


def _money(value: float) -> Decimal:
    return Decimal(round(value)).quantize(Decimal("0.01"))


def _period_start(month: Month, period: str) -> Month:
    if period == "monthly":
        return month
    return Month(month.year, (month.month - 1) // 3 * 3 + 1)


def _tiers(target: Decimal, rng: np.random.Generator) -> list[dict[str, Any]]:
    first = int(rng.choice([5, 10]))
    return [
        {"below": target, "credit_pct": first},
        {"below": Decimal("99.0"), "credit_pct": 25},
        {"below": Decimal("95.0"), "credit_pct": int(rng.choice([50, 100]))},
    ]


def _objectives(rng: np.random.Generator, service: str, target: Decimal) -> list[dict[str, Any]]:
    availability: dict[str, Any] = {
        "id": "availability",
        "kind": "availability",
        "service": service,
        "target": target,
    }
    if rng.random() < 0.3:
        availability["min_downtime_minutes"] = 5
    if rng.random() < 0.2:
        availability["warning"] = Decimal("0.05")
    availability["credits"] = _tiers(target, rng)
    p1_target = int(rng.choice([90, 95]))
    objectives = [
        availability,
        {
            "id": "p1-first-response",
            "kind": "first_response",
            "priority": "P1",
            "within": str(rng.choice(["15m", "30m", "1h"])),
            "clock": "24x7",
            "target": p1_target,
            "credits": [{"below": p1_target, "credit_pct": 5}],
        },
        {
            "id": "p2-first-response",
            "kind": "first_response",
            "priority": "P2",
            "within": str(rng.choice(["1h", "2h", "4h"])),
            "clock": "business",
            "target": 90,
        },
    ]
    resolution: dict[str, Any] = {
        "id": "p3-resolution" if rng.random() < 0.5 else "p2-resolution",
        "kind": "resolution",
    }
    if resolution["id"] == "p2-resolution":
        resolution.update(priority="P2", within=str(rng.choice(["8h", "16h"])))
    else:
        resolution.update(priority="P3", within=str(rng.choice(["24h", "40h"])))
    resolution["clock"] = "business"
    if rng.random() < 0.6:
        resolution["pause_on"] = ["pending_customer"]
    resolution["target"] = int(rng.choice([85, 90]))
    resolution["credits"] = [{"below": resolution["target"], "credit_pct": 5}]
    objectives.append(resolution)
    if rng.random() < 0.6:
        objectives.append(
            {
                "id": "csat",
                "kind": "csat",
                "target": Decimal(str(rng.choice(["3.8", "4.0", "4.2"]))),
                "min_responses": 10,
            }
        )
    if rng.random() < 0.35:
        latency = int(rng.choice([300, 500, 800, 1000]))
        objectives.append(
            {
                "id": "latency",
                "kind": "latency_p95",
                "service": service,
                "target": latency,
                "credits": [
                    {"above": latency, "credit_pct": 5},
                    {"above": latency * 2, "credit_pct": 10},
                ],
            }
        )
    return objectives


def synthesise(
    position: int,
    seed: int,
    calendars: list[tuple[str, str | None]],
    service: str,
    first_month: Month,
    last_month: Month,
) -> dict[str, Any]:
    """One agreement as a YAML-ready mapping; ``position`` (1-based) also names it."""
    rng = rng_for(seed, STREAM_DEFINITIONS, position)
    calendar, country = calendars[int(rng.integers(0, len(calendars)))]
    period = "quarterly" if rng.random() < 0.25 else "monthly"
    fee = _money(round(float(rng.lognormal(np.log(9000), 0.6)), -2))
    target = Decimal(str(rng.choice(["99.5", "99.9", "99.95"], p=[0.25, 0.5, 0.25])))
    start = _period_start(first_month, period)
    version: dict[str, Any] = {
        "version": 1,
        "effective_from": start.first_day,
        "monthly_fee": fee,
        "credit_cap_pct": int(rng.choice([20, 30, 50, 100])),
    }
    if rng.random() < 0.3:
        version["min_credit_amount"] = _money(float(rng.choice([50, 100, 250])))
    version["maintenance_notice"] = "48h"
    if rng.random() < 0.4:
        version["chronic_breach"] = {"breaches": 3, "within_periods": 6}
    version["objectives"] = _objectives(rng, service, target)
    versions = [version]

    # a quarter of the customers renegotiate during the generated span: a dearer, stricter v2
    starts, month = [], start
    step = 1 if period == "monthly" else 3
    while True:
        for _ in range(step):
            month = month.next
        if (month.year, month.month) > (last_month.year, last_month.month):
            break
        starts.append(month)
    if starts and rng.random() < 0.25:
        chosen = starts[int(rng.integers(0, len(starts)))]
        stricter = {"99.5": "99.9", "99.9": "99.95", "99.95": "99.95"}[str(target)]
        second = dict(version, version=2, effective_from=chosen.first_day)
        second["monthly_fee"] = _money(round(float(fee) * float(rng.uniform(1.02, 1.08)), -1))
        objectives = [dict(o) for o in version["objectives"]]
        objectives[0]["target"] = Decimal(stricter)
        objectives[0]["credits"] = [dict(t) for t in objectives[0]["credits"]]
        objectives[0]["credits"][0]["below"] = Decimal(stricter)
        second["objectives"] = objectives
        versions.append(second)

    name = f"{NAMES[position % len(NAMES)]} {SUFFIXES[(position // len(NAMES)) % len(SUFFIXES)]}"
    return {
        "id": f"customer-{position:04d}",
        "customer": name,
        "provider": PROVIDER,
        "currency": CURRENCY.get(country or "", "EUR"),
        "period": period,
        "calendar": calendar,
        "responsibilities": {
            "provider": [f"operate and monitor {service}", "answer tickets within targets"],
            "customer": ["name a service owner", "answer pending questions promptly"],
        },
        "escalation": [
            {
                "level": 1,
                "role": "service desk lead",
                "contact": "desk@northwind.example",
                "within": "30m",
            },
        ],
        "review": {"cadence": str(rng.choice(["monthly", "quarterly"]))},
        "versions": versions,
    }


def _read(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document if isinstance(document, dict) else {}


def referenced_services(document: dict[str, Any]) -> set[str]:
    return {
        str(objective["service"])
        for version in document.get("versions") or []
        for objective in version.get("objectives") or []
        if isinstance(objective, dict) and "service" in objective
    }


def write_definitions(
    target: Path,
    *,
    source: Path,
    count: int,
    seed: int,
    months: list[Month],
    services: int | None,
) -> Definitions:
    """Fill ``target`` (``out/sla_definitions``) with ``count`` agreements and all calendars."""
    for folder in FOLDERS:  # a smaller run must not keep an earlier run's agreements
        for stale in _yaml_files(target / folder):
            stale.unlink()
    for folder in ("agreements", "calendars"):
        (target / folder).mkdir(parents=True, exist_ok=True)

    written: list[Path] = []
    copied: list[str] = []
    shipped_services: set[str] = set()
    for path in _yaml_files(source / "agreements")[:count]:
        shutil.copyfile(path, target / "agreements" / path.name)
        written.append(target / "agreements" / path.name)
        document = _read(path)
        copied.append(str(document.get("id", path.stem)))
        shipped_services |= referenced_services(document)

    calendars: list[tuple[str, str | None]] = []
    for path in _yaml_files(source / "calendars"):
        shutil.copyfile(path, target / "calendars" / path.name)
        written.append(target / "calendars" / path.name)
        document = _read(path)
        country = (document.get("holidays") or {}).get("country")
        calendars.append((str(document.get("id", path.stem)), country))
    if not calendars:
        raise ValueError(f"{source / 'calendars'}: no calendars to copy")

    for path in _yaml_files(source / "reviews"):
        if str(_read(path).get("agreement_id") or path.stem) in copied:
            (target / "reviews").mkdir(exist_ok=True)
            shutil.copyfile(path, target / "reviews" / path.name)
            written.append(target / "reviews" / path.name)

    # Synthesised agreements share a pool of services: with `services` given the pool fills
    # what the copied agreements leave; otherwise two customers share each service.
    extra = count - len(copied)
    if services is not None:
        pool = max(1, services - len(shipped_services))
    else:
        pool = max(1, math.ceil(extra / 2))
    synthesised: list[str] = []
    for index in range(extra):
        position = len(copied) + index + 1
        document = synthesise(
            position, seed, calendars, f"svc-{index % pool + 1:04d}", months[0], months[-1]
        )
        while document["id"] in copied or document["id"] in synthesised:
            document["id"] += "-x"
        path = target / "agreements" / f"{document['id']}.yaml"
        body = yaml.dump(
            document,
            Dumper=_Dumper,
            sort_keys=False,
            default_flow_style=None,
            width=100,
            allow_unicode=True,
        )
        header = (
            f"# {document['id']}: synthesised by orchestration.generate (seed {seed});\n"
            "# sample data in the format of docs/agreements.md, not a real contract\n"
        )
        path.write_text(header + body, encoding="utf-8")
        written.append(path)
        synthesised.append(document["id"])

    catalog = load_catalog(target)
    return Definitions(target, written, copied, synthesised, catalog)
