"""Throughput: our CLI as a whole process (start-up included) against trafilatura in-process.

Each repeat runs every contender once, interleaved, so that a busy moment on the machine hurts all
of them alike; we report the median of the repeats.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from trafilatura import bare_extraction, extract

from newsdesk.ingest.extract import extract_article


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)

    def add(self, label: str, value: float) -> None:
        self.seconds.setdefault(label, []).append(value)

    def median(self, label: str) -> float:
        return statistics.median(self.seconds[label])


def cli_command(files: list[Path]) -> list[str]:
    script = Path(sys.executable).with_name("newsdesk")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "newsdesk"]
    return [*base, "extract", "--json", *map(str, files)]


def run_cli(files: list[Path]) -> float:
    """Wall time of one `newsdesk extract --json` over all files; checks one JSON line per file."""
    start = time.perf_counter()
    done = subprocess.run(cli_command(files), capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    lines = done.stdout.decode("utf-8").splitlines()
    if len(lines) != len(files):
        raise SystemExit(
            f"the CLI printed {len(lines)} results for {len(files)} pages: {done.stderr[-500:]!r}"
        )
    errors = [json.loads(line) for line in lines if '"error"' in line[:200]]
    if any("error" in e for e in errors):
        raise SystemExit(f"the CLI failed on a page: {errors[0]}")
    return elapsed


def in_process(pages: list[bytes], work: Callable[[bytes], object]) -> float:
    start = time.perf_counter()
    for content in pages:
        work(content)
    return time.perf_counter() - start


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
    runs: list[tuple[str, Callable[[], float]]] = [
        ("newsdesk CLI (one process, start-up included)", lambda: run_cli(files)),
        *((label, lambda work=work: in_process(pages, work)) for label, work in CONTENDERS.items()),
    ]
    for repeat in range(repeats):
        # Alternate the order, so that neither end of a repeat always meets the same load.
        for label, run in runs if repeat % 2 == 0 else reversed(runs):
            timings.add(label, run())
    return timings


def startup_seconds(repeats: int) -> float:
    """The CLI's fixed cost: one process over one tiny page."""
    tiny = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "pages"
    first = sorted(tiny.glob("*.html"))[:1]
    if not first:
        return float("nan")
    return statistics.median(run_cli(first) for _ in range(repeats))
