"""`python -m bench.newsletter`: digest build-and-send throughput and peak memory, beside the anchor.

- Setup: N confirmed subscribers spread over 12 topics and 6 sources (15% take everything), 300 stories
  stored in the last day, an aiosmtpd sink on loopback in its own process. SQLite, as `newsdesk run`.
- Ours: `DigestSender.run(force=True)` (the code behind `newsdesk newsletter send --now`) with no rate
  limit: select, render (Django templates + css-inline), send through our SMTP backend, and the per-
  recipient send record committed before each message's final dot.
- Anchor: Django's SMTP backend sending pre-built messages of similar size on one connection to the
  same sink: what the transport alone allows on this machine.
- Memory: peak resident memory of the sending process, at two subscriber counts: flat means the same.
Prints Markdown ready for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.newsletter.sink import Sink

ROOT = Path(__file__).resolve().parents[2]


def _env(db: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{db}",
        "NEWSDESK_DATA_DIR": str(db.parent),
        "NEWSDESK_SECRET_KEY": "benchmark-only",
        "NEWSDESK_SITE_URL": "https://news.example",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "NEWSDESK_NEWSLETTER_RATE": "0",
        "NEWSDESK_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    return env


def _run(module: str, *args: str, env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{module} failed:\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


_RUNS = iter(range(1, 1_000_000))


def measure(
    subscribers: int, sink: Sink, work: Path, workers: int = 1, database_url: str = "", mode: str = "ours"
) -> dict:
    """One digest run by `workers` sending processes started together on one database (they share the
    run by claiming batches of subscribers). Addresses are new for each run, so the sink counts doubles."""
    db = work / f"bench-{subscribers}.sqlite3"
    db.unlink(missing_ok=True)
    env = _env(db, sink.port)
    if database_url:
        env["DATABASE_URL"] = database_url
        _reset_postgres(env)
    _run("bench.newsletter.setup", str(subscribers), f"run{next(_RUNS)}.example.org", env=env)
    before, doubles_before = sink.received, sink.doubled
    if workers == 1:
        result = _run("bench.newsletter.send", mode, env=env)
    else:
        parts = _run_together("bench.newsletter.send", workers, mode, env=env)
        result = {
            "sent": sum(p["sent"] for p in parts),
            "seconds": max(p["wall_end"] for p in parts) - min(p["wall_start"] for p in parts),
            "second_half_rate": 0.0,
            "cpu_seconds": sum(p["cpu_seconds"] for p in parts),
            "max_rss_mib": max(p["max_rss_mib"] for p in parts),
            "per_worker": [p["sent"] for p in parts],
        }
    result["delivered"] = sink.received - before
    result["doubles"] = sink.doubled - doubles_before
    return result


def _run_together(module: str, workers: int, mode: str, *, env: dict[str, str]) -> list[dict]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", module, mode],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    parts = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{module} failed:\n{err}")
        parts.append(json.loads(out.strip().splitlines()[-1]))
    return parts


def _reset_postgres(env: dict[str, str]) -> None:
    """An empty PostgreSQL database for the next run (the bench owns the database it is given)."""
    code = (
        "from newsdesk.core.bootstrap import ensure_database; ensure_database();"
        "from django.db import connection;"
        "c = connection.cursor();"
        "c.execute('TRUNCATE newsletter_subscriber, newsletter_digestrun, articles_article, sources_source "
        "RESTART IDENTITY CASCADE')"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.newsletter", description=__doc__)
    parser.add_argument("--large", type=int, default=100_000, help="subscribers in the big run")
    parser.add_argument("--small", type=int, default=10_000, help="subscribers in the small runs")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the small run and the anchor")
    parser.add_argument("--workers", type=int, default=2, help="sending processes in the shared-run rows")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database the bench may empty, for the shared-run rows (default SQLite)",
    )
    parser.add_argument(
        "--workers-only",
        action="store_true",
        help="only the worker comparison: one worker and --workers workers (alternating which goes first), "
        "then the anchor, in each of --repeats rounds",
    )
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}\n")  # fmt: skip
    sink = Sink()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-newsletter-") as tmp:
            work = Path(tmp)
            if args.workers_only:
                rounds = [_workers_round(args, sink, work, i) for i in range(1, args.repeats + 1)]
                workers_report(args, rounds)
                return
            small = [measure(args.small, sink, work) for _ in range(args.repeats)]
            shared = [
                measure(args.small, sink, work, workers=args.workers, database_url=args.database_url)
                for _ in range(args.repeats)
            ]
            large = measure(args.large, sink, work)
            env = _env(work / "anchor.sqlite3", sink.port)
            anchors = [
                _run("bench.newsletter.send", "anchor", str(args.small), env=env) for _ in range(args.repeats)
            ]
    finally:
        sink.stop()
    report(args, small, large, anchors, shared)


def _workers_round(args: argparse.Namespace, sink: Sink, work: Path, index: int) -> tuple[dict, dict, dict]:
    """One worker and N workers on the same database, then the anchor: side by side in time, so the
    machine's other work weighs on them about equally. The order alternates (one worker first in odd
    rounds, N workers first in even ones), so a load that rises or falls through a round favours
    neither. Each result carries the load average when it ended."""

    def timed(workers: int) -> dict:
        # As `newsdesk worker` tasks send (join=True): a worker out of batches stops, it does not wait and
        # poll for the other's, which would add up to a second to the measured run.
        result = measure(
            args.small, sink, work, workers=workers, database_url=args.database_url, mode="worker"
        )
        result["load"] = os.getloadavg()[0]
        return result

    if index % 2:
        one = timed(1)
        many = timed(args.workers)
    else:
        many = timed(args.workers)
        one = timed(1)
    env = _env(work / "anchor.sqlite3", sink.port)
    anchor = _run("bench.newsletter.send", "anchor", str(args.small), env=env)
    anchor["load"] = os.getloadavg()[0]
    return one, many, anchor


def _cpu_ms(result: dict) -> float:
    return 1000 / _cpu_rate(result)


def workers_report(args: argparse.Namespace, rounds: list[tuple[dict, dict, dict]]) -> None:
    med = statistics.median
    where = "PostgreSQL" if args.database_url else "SQLite"
    n = args.workers
    print(f"## One worker against {n} sharing a run ({args.small:,} subscribers, {where})\n")
    print(f"| round (order) | 1 worker: msg/s | {n} workers: msg/s | ratio | anchor: msg/s "
          f"| CPU ms/msg: 1 worker | {n} workers | anchor | doubles | split "
          f"| load: 1 / {n} / anchor |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    ratios = []
    for i, (one, many, anchor) in enumerate(rounds, 1):
        ratio = _rate(many) / _rate(one)
        ratios.append(ratio)
        order = f"1, then {n}" if i % 2 else f"{n}, then 1"
        cells = [
            f"{i} ({order})", f"{_rate(one):.0f}", f"{_rate(many):.0f}", f"{ratio:.2f}x",
            f"{_rate(anchor):.0f}",
            f"{_cpu_ms(one):.2f}", f"{_cpu_ms(many):.2f}", f"{_cpu_ms(anchor):.2f}",
            str(one["doubles"] + many["doubles"]), str(many.get("per_worker")),
            f"{one['load']:.1f} / {many['load']:.1f} / {anchor['load']:.1f}",
        ]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    ones, manys, anchors = (list(r) for r in zip(*rounds, strict=True))
    both = [*ones, *manys]
    rate_one, rate_many = med(_rate(r) for r in ones), med(_rate(r) for r in manys)
    print()
    print(f"median: 1 worker {rate_one:.0f} msg/s, {n} workers {rate_many:.0f} msg/s, "
          f"ratio (median of rounds) {med(ratios):.2f}x; "
          f"anchor {med(_rate(r) for r in anchors):.0f} msg/s")  # fmt: skip
    cpu_one, cpu_many = med(_cpu_ms(r) for r in ones), med(_cpu_ms(r) for r in manys)
    print(f"CPU per message (median): 1 worker {cpu_one:.2f} ms, {n} workers {cpu_many:.2f} ms, "
          f"anchor {med(_cpu_ms(r) for r in anchors):.2f} ms")  # fmt: skip
    print(f"doubles: {sum(r['doubles'] for r in both)}; delivered {sum(r['delivered'] for r in both):,} "
          f"of {sum(r['sent'] for r in both):,} recorded")  # fmt: skip
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def _rate(result: dict) -> float:
    return result["sent"] / result["seconds"]


def _cpu_rate(result: dict) -> float:
    """Messages per CPU-second of the sending process: its capacity, whatever else the machine runs."""
    return result["sent"] / result["cpu_seconds"]


def _row(label: str, count: str, result: dict, delivered: str, half: str) -> str:
    cells = [
        label, count, f"{result['sent']:,}", delivered, f"{result['seconds']:.1f}", f"{_rate(result):.0f}",
        half, f"{_cpu_rate(result):.0f}", f"{result['max_rss_mib']:.0f}",
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def report(args, small: list[dict], large: dict, anchors: list[dict], shared: list[dict]) -> None:
    med = statistics.median
    small_rate, anchor_rate = med(_rate(r) for r in small), med(_rate(r) for r in anchors)
    small_cpu, anchor_cpu = med(_cpu_rate(r) for r in small), med(_cpu_rate(r) for r in anchors)
    small_rss, large_rss = med(r["max_rss_mib"] for r in small), large["max_rss_mib"]
    n_small, n_large = f"{args.small:,}", f"{args.large:,}"
    print(f"## Digest build-and-send ({n_small} subscribers: {args.repeats} runs; {n_large}: one run)\n")
    print(
        "| run | subscribers | digests sent | delivered by the sink | seconds | messages/second "
        "| second half, messages/second | messages per CPU-second | peak memory (MiB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for i, r in enumerate(small):
        print(_row(f"ours #{i + 1}", n_small, r, f"{r['delivered']:,}", f"{r['second_half_rate']:.0f}"))
    print(_row("ours", n_large, large, f"{large['delivered']:,}", f"{large['second_half_rate']:.0f}"))
    for i, r in enumerate(anchors):
        print(_row(f"anchor #{i + 1}: Django SMTP backend, pre-built messages", "-", r, "-", "-"))
    print()
    print(f"ours: {small_rate:.0f} messages/second (median, {n_small}), {_rate(large):.0f} ({n_large})")
    print(f"anchor: {anchor_rate:.0f} messages/second (median); ours/anchor {small_rate / anchor_rate:.2f}")
    shared_rate = med(_rate(r) for r in shared)
    where = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.workers} workers sharing one run ({where}): {shared_rate:.0f} messages/second (median; runs: "
        + ", ".join(f"{_rate(r):.0f} split {r.get('per_worker')}" for r in shared)
        + f"); {shared_rate / small_rate:.2f}x one worker; {shared_rate / anchor_rate:.2f}x the anchor; "
        f"doubles {sum(r['doubles'] for r in shared)}, delivered {sum(r['delivered'] for r in shared):,} "
        f"of {sum(r['sent'] for r in shared):,} recorded"
    )
    print(f"doubles in the one-worker runs: {sum(r['doubles'] for r in [*small, large])}")
    cpu_ratio = small_cpu / anchor_cpu
    print(
        f"per CPU-second of the sender: ours {small_cpu:.0f}, anchor {anchor_cpu:.0f}, ratio {cpu_ratio:.2f}"
    )
    print(f"peak memory of the sender: {small_rss:.0f} MiB at {n_small}, {large_rss:.0f} MiB at {n_large} "
          f"(ratio {large_rss / small_rss:.2f})")  # fmt: skip
    load = os.getloadavg()[0]
    print(f"load average at the end (other work on this machine skews wall-clock figures): {load:.1f}")


if __name__ == "__main__":
    main()
