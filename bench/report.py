"""The benchmark's report: the measurements, the peer table, the budgets and the scaling curve,
each written between its own markers of docs/benchmarks.md (the prose around them is kept)."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil

from bench.measure import Measurement

GB = 1024**3


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    budget: str
    verdict: str  # pass | FAIL | -


@dataclass(frozen=True)
class Budget:
    budget: str
    result: str
    verdict: str  # met | not met | not measured


@dataclass(frozen=True)
class PeerRow:
    peer: str
    seconds_per_million: float
    ratio: float  # to the project's clock stage, per million pairs
    pairs: int
    agreeing: int
    notes: str


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def machine() -> str:
    memory = psutil.virtual_memory().total / GB
    return (
        f"{os.cpu_count()} cores, {memory:.1f} GB memory, {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}, duckdb {duckdb.__version__}"
    )


def commit(root: Path) -> str:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{head} (with uncommitted changes)" if git("status", "--porcelain", "-uno") else head


@dataclass
class Report:
    """Everything measured so far, rewritten after every addition: a long run that is stopped
    part way still leaves what it measured."""

    heading: str  # scale, machine, commit
    target: Path
    rows: list[Row] = field(default_factory=list)
    peers: list[PeerRow] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    scaling: str = ""
    failures: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        self.write()

    def add_budget(self, budget: str, result: str, ok: bool | None) -> None:
        text = "not measured" if ok is None else ("met" if ok else "not met")
        self.budgets.append(Budget(budget, result, text))
        self.write()

    def check(self, m: Measurement) -> Measurement:
        if m.returncode != 0:
            self.failures.append(f"{m.name} exited {m.returncode}: see {m.log}")
        return m

    def sections(self) -> dict[str, str]:
        table = [
            self.heading,
            "",
            "| measure | value | budget | verdict |",
            "|---|---|---|---|",
            *(f"| {r.measure} | {r.value} | {r.budget} | {r.verdict} |" for r in self.rows),
        ]
        if self.failures:
            table += ["", "Errors:", *(f"- {f}" for f in self.failures)]
        peers = [
            "| peer | s per million pairs | ratio to the project | pairs compared | pairs "
            "agreeing (± 1 s) | notes |",
            "|---|---|---|---|---|---|",
            *(f"| {p.peer} | {p.seconds_per_million:.2f} | {p.ratio:.2f} | {p.pairs:,} | "
              f"{p.agreeing:,} | {p.notes} |" for p in self.peers),
        ]  # fmt: skip
        budgets = [
            "| budget | result (this run) | verdict |",
            "|---|---|---|",
            *(f"| {b.budget} | {b.result} | {b.verdict} |" for b in self.budgets),
        ]
        return {
            "table": "\n".join(table),
            "peers": "\n".join(peers),
            "budgets": "\n".join(budgets),
            "scaling": self.scaling,
        }

    def text(self) -> str:
        return "\n\n".join(text for text in self.sections().values() if text)

    def write(self) -> None:
        write_sections(self.target, self.sections())


def write_sections(target: Path, sections: dict[str, str]) -> None:
    """Each section between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``; a section
    without markers in the file is appended."""
    target.parent.mkdir(parents=True, exist_ok=True)
    text = target.read_text() if target.exists() else "# Benchmarks\n"
    for name, body in sections.items():
        start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
        if start in text and end in text:
            before, _, rest = text.partition(start)
            _, _, after = rest.partition(end)
            text = f"{before}{start}\n{body}\n{end}{after}"
        else:
            text = f"{text.rstrip()}\n\n{start}\n{body}\n{end}\n"
    target.write_text(text)
