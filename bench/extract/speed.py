"""Throughput: our CLI as a whole process (start-up included) against trafilatura in-process.

Each repeat runs every contender once, interleaved, so that a busy moment on the machine hurts all
of them alike; we report the median of the repeats. Two clocks: wall time, and CPU time (user +
system, of the CLI's child process, start-up included, or of this process for the in-process
contenders). On a shared machine wall time swings with other people's work; CPU time much less.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from trafilatura import bare_extraction, extract

from newsdesk.ingest.stages.extract import extract_article


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)  # wall clock
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def add(self, label: str, value: tuple[float, float]) -> None:
        self.seconds.setdefault(label, []).append(value[0])
        self.cpu.setdefault(label, []).append(value[1])

    def median(self, label: str) -> float:
        return statistics.median(self.seconds[label])

    def median_cpu(self, label: str) -> float:
        return statistics.median(self.cpu[label])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_command(files: list[Path]) -> list[str]:
    script = Path(sys.executable).with_name("newsdesk")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "newsdesk"]
    return [*base, "extract", "--json", *map(str, files)]


def run_cli(files: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds of one `newsdesk extract --json` over all files; checks its output."""
    start, cpu_start = time.perf_counter(), _children_cpu()
    done = subprocess.run(cli_command(files), capture_output=True, check=False)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu_start
    lines = done.stdout.decode("utf-8").splitlines()
    if len(lines) != len(files):
        raise SystemExit(
            f"the CLI printed {len(lines)} results for {len(files)} pages: {done.stderr[-500:]!r}"
        )
    errors = [json.loads(line) for line in lines if '"error"' in line[:200]]
    if any("error" in e for e in errors):
        raise SystemExit(f"the CLI failed on a page: {errors[0]}")
    return elapsed, cpu


def in_process(pages: list[bytes], work: Callable[[bytes], object]) -> tuple[float, float]:
    start, cpu_start = time.perf_counter(), time.process_time()
    for content in pages:
        work(content)
    return time.perf_counter() - start, time.process_time() - cpu_start


CONTENDERS: dict[str, Callable[[bytes], object]] = {
    "trafilatura default, extract()": lambda c: extract(c),
    "trafilatura default, extract() + bare_extraction(with_metadata)": lambda c: (
        extract(c),
        bare_extraction(c, with_metadata=True),
    ),
    "trafilatura fast, extract()": lambda c: extract(c, fast=True),
    "newsdesk extract_article, in-process": lambda c: extract_article(c),
}


def measure(files: list[Path], repeats: int) -> Timings:
    pages = [path.read_bytes() for path in files]
    timings = Timings()
    run_cli(files[:3])  # warm the OS file cache and Python's bytecode cache
    runs: list[tuple[str, Callable[[], tuple[float, float]]]] = [
        ("newsdesk CLI (one process, start-up included)", lambda: run_cli(files)),
        *((label, lambda work=work: in_process(pages, work)) for label, work in CONTENDERS.items()),
    ]
    for repeat in range(repeats):
        # Alternate the order, so that neither end of a repeat always meets the same load.
        for label, run in runs if repeat % 2 == 0 else reversed(runs):
            timings.add(label, run())
    return timings


def startup_seconds(repeats: int) -> tuple[float, float]:
    """The CLI's fixed cost, (wall, CPU): one process over one small page."""
    tiny = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "pages"
    first = sorted(tiny.glob("*.html"))[:1]
    if not first:
        return float("nan"), float("nan")
    runs = [run_cli(first) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
