"""The refresh bench's Markdown tables (bench/refresh/__main__.py measures, this module prints)."""

from __future__ import annotations

import argparse
import os
import statistics


def report_pages(args: argparse.Namespace, rows: list[dict]) -> None:
    med = statistics.median
    print(f"## One source: {args.items} stories, pages answering after {args.page_delay * 1000:.0f} ms "
          f"(median of {args.repeats})\n")  # fmt: skip
    print("| pipeline | articles stored | seconds | articles/s | CPU ms per article |")
    print("|---|---|---|---|---|")
    base = None
    for row in rows:
        runs = row["runs"]
        rate = med(r["stored"] / r["seconds"] for r in runs)
        base = base or rate
        cpu = med(r["cpu"] * 1000 / max(1, r["stored"]) for r in runs)
        stored = med(r["stored"] for r in runs)
        seconds = med(r["seconds"] for r in runs)
        print(
            f"| {row['label']} | {stored:.0f} | {seconds:.2f} | {rate:.1f} ({rate / base:.1f}x) | {cpu:.1f} |"
        )
    print()


def report_cycle(args: argparse.Namespace, r: dict) -> None:
    where = "PostgreSQL" if args.database_url else "SQLite"
    print(f"## Refresh cycle: {args.feeds:,} feeds on {args.sites} loopback sites, {args.fresh:.0%} with new "
          f"stories (pages {args.cycle_page_delay * 1000:.0f} ms), {where}\n")  # fmt: skip
    print("| run | seconds | feeds/s | articles stored | articles/s | CPU ms per feed | farm CPU s | "
          "scheduler CPU s | PostgreSQL CPU s (backends) | all CPU ms per feed |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    runs = [(f"ours-{t}-{b}", f"ours: {args.workers} × `newsdesk worker`"
             + (f" --threads {t}" if t > 1 else "") + f", chunks of {b}")
            for t in args.threads for b in args.queue_batch]  # fmt: skip
    runs = [(key, label) for key, label in runs if key in r]
    shown = [*runs, ("baseline", "baseline")] if "baseline" in r else runs
    for key, label in [*runs, ("baseline", "baseline: `newsdesk fetch --all`")]:
        if key not in r:
            continue
        row = r[key]
        print(f"| {label} | {row['seconds']:.1f} | {args.feeds / row['seconds']:.0f} | {row['articles']:,} | "
              f"{row['articles'] / row['seconds']:.1f} | {row['cpu'] * 1000 / args.feeds:.1f} | "
              f"{row['farm_cpu']:.1f} | {row['scheduler_cpu']:.1f} | "
              f"{row['pg_cpu']:.1f} ({row['pg_backends']}) | "
              f"{all_cpu(row) * 1000 / args.feeds:.1f} |")  # fmt: skip
    base = r.get("baseline", {})
    print()
    for key, label in runs if base else []:
        ours = r[key]
        print(f"{label}: baseline/ours wall-clock {base['seconds'] / ours['seconds']:.2f}x, CPU per feed "
              f"{ours['cpu'] / base['cpu']:.2f}x; undone: {ours['pending']}")  # fmt: skip
    for key, label in shown:
        print(f"{label}: sources with an error or an entry not stored {r[key]['problems']}; "
              f"logged {r[key]['logged']}")  # fmt: skip
    print(f"farm served {r['served']}")
    print("anchor for scale: Miniflux's default is 100 feeds per cycle (BATCH_SIZE) with 16 workers.")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}\n")


def all_cpu(row: dict) -> float:
    """Every process of the cycle: workers (or `fetch --all`), the scheduler's enqueue, the farm and the
    PostgreSQL backends seen."""
    return float(row["cpu"] + row["farm_cpu"] + row["scheduler_cpu"] + row["pg_cpu"])
