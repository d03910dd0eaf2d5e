"""`python -m bench.extract`: extraction speed and quality, ours beside trafilatura's, in one run.

Speed: a few hundred generated pages plus the golden test pages, our `newsdesk extract --json` as a
subprocess (start-up included) against trafilatura in this process. Quality: bag-of-words F1 and
title/date/byline accuracy on pages with hand-written ground truth, tuning and held-out reported
apart (a regression check). Real pages: with `--trafilatura-eval PATH` (a checkout of adbar/trafilatura),
its evaluation set scored as its own evaluate.py does, against trafilatura fast and default, with
metadata accuracy and CPU time per page (bench/extract/realpages.py). Prints Markdown ready for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
from pathlib import Path

from bench.extract import furniture, realpages
from bench.extract.corpus import ground_truth_pages, throughput_pages, write_pages
from bench.extract.quality import HEADER, evaluate
from bench.extract.runners import EXTRACTORS
from bench.extract.speed import measure, startup_seconds

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "extract"
CLI_LABEL = "newsdesk CLI (one process, start-up included)"
ANCHOR = "trafilatura default, extract()"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__)
    parser.add_argument("--pages", type=int, default=400, help="generated pages for the speed run")
    parser.add_argument("--repeats", type=int, default=5, help="repeats; medians are reported")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--trafilatura-eval",
        type=Path,
        metavar="PATH",
        help="a checkout of adbar/trafilatura (its root or tests/): score its real evaluation pages",
    )
    parser.add_argument("--eval-limit", type=int, default=None, help="only the first N real pages")
    parser.add_argument("--eval-repeats", type=int, default=1, help="timing repeats over the real pages")
    parser.add_argument("--skip-synthetic", action="store_true", help="only the real pages")
    parser.add_argument("--verbose", action="store_true", help="list our misses on the real pages")
    parser.add_argument(
        "--first-look-fallbacks",
        action="store_true",
        help="real pages: also run ours with the fallback comparison in the first look (fast=False)",
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura logs every page it finds thin
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}\n"
    )
    realpages.report(
        args.trafilatura_eval, args.eval_limit, args.eval_repeats, args.verbose, args.first_look_fallbacks
    )
    if args.skip_synthetic:
        return
    if not args.skip_speed:
        speed(args.pages, args.repeats, furniture.HEAVY, "heavy")
        speed(args.pages, args.repeats, furniture.LIGHT, "light")
    if not args.skip_quality:
        quality()


def speed(count: int, repeats: int, weight: furniture.Weight, name: str) -> None:
    folder = OUTPUT / name
    shutil.rmtree(folder, ignore_errors=True)
    files = write_pages(throughput_pages(count, weight=weight), folder)
    size = sum(f.stat().st_size for f in files) / len(files) / 1024
    print(f"## Speed, {name} pages: {len(files)} pages (mean {size:.0f} KiB), median of {repeats} repeats\n")
    timings = measure(files, repeats)
    print("| contender | wall s | pages/s (wall) | CPU s | pages/s (CPU) |\n|---|---|---|---|---|")
    for label in timings.seconds:
        wall, cpu = timings.median(label), timings.median_cpu(label)
        print(f"| {label} | {wall:.3f} | {len(files) / wall:.1f} | {cpu:.3f} | {len(files) / cpu:.1f} |")
    wall_ratio = timings.median(ANCHOR) / timings.median(CLI_LABEL)
    cpu_ratio = timings.median_cpu(ANCHOR) / timings.median_cpu(CLI_LABEL)
    print(
        f"\nratio, newsdesk CLI (start-up included) / trafilatura default: {wall_ratio:.2f}x wall,", end=" "
    )
    print(f"{cpu_ratio:.2f}x CPU")
    wall, cpu = startup_seconds(repeats)
    print(f"CLI start-up (one small page): {wall:.3f} s wall, {cpu:.3f} s CPU\n")


def quality() -> None:
    pages = ground_truth_pages()
    for title, subset in (
        ("tuning set", [p for p in pages if not p.held_out]),
        ("HELD-OUT set (never tuned against)", [p for p in pages if p.held_out]),
    ):
        print(f"## Quality, {title}: {len(subset)} pages\n\n{HEADER}")
        misses = {}
        for label, extractor in EXTRACTORS.items():
            score = evaluate(subset, extractor)
            print(score.row(label))
            misses[label] = score.misses
        print()
        for label, items in misses.items():
            if items:
                print(f"- {label} missed: {', '.join(items)}")
        print()


if __name__ == "__main__":
    main()
