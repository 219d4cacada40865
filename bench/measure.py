"""Wall time and peak RSS of a whole process tree (dbt runs as a child of the pipeline)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.1


@dataclass(frozen=True)
class Measurement:
    name: str
    seconds: float
    peak_rss_bytes: int
    returncode: int
    log: Path

    @property
    def peak_rss_gb(self) -> float:
        return self.peak_rss_bytes / 1024**3


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


def measure(name: str, command: list[str], log_dir: Path, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> Measurement:  # fmt: skip
    """Run ``command``, sampling the RSS of it and all its descendants every 0.1 s."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name.replace(' ', '_').replace('/', '_')}.log"
    peak = 0
    with log.open("w") as handle:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
            cwd=cwd,
        )  # fmt: skip
        watched = psutil.Process(child.pid)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(watched))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = child.wait()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return Measurement(name, seconds, peak, returncode, log)
