"""`python -m bench.refresh`: how fast sources are refreshed, beside a baseline, in the same run.

- pages: one source whose feed lists `--items` stories, each page answering after `--page-delay`
  (100 ms), refreshed in one process as a worker's task does. "Before" fetches one page at a time (the
  pipeline before page threads, NEWSDESK_FETCH_PAGE_WORKERS=1); then page threads with per-host limits
  of 2, 4, 6 and 8; then limit 4 in a warm process (another source refreshed first, unmeasured, as a
  worker's earlier tasks would). Articles/s and CPU per article.
- cycle: a loopback farm (bench/refresh/farm.py) of `--feeds` feeds on `--sites` loopback addresses;
  every source holds ETag "v0", so 90% answer 304; the other 10% have one to three new stories whose
  pages take 50 ms. Ours: the scheduler's enqueue of every due source (in chunks, one task each), then
  `--workers` real `newsdesk worker` processes (database task backend) until every task is done. Baseline:
  `newsdesk fetch --all` on the same farm and database (reset to the same state), in the same run.
  Feeds/s, articles/s, CPU per feed (the workers' user+system time, from /proc). `--queue-batch` tries
  several chunk sizes (NEWSDESK_QUEUE_BATCH), one cycle each. `--profile DIR` runs
  each worker under cProfile, by CPU time (DIR/worker-N.prof), each task's sources one at a time.
Anchor for scale: Miniflux refreshes 100 feeds per cycle with 16 workers by default
(POLLING_FREQUENCY 60 min, BATCH_SIZE 100, WORKER_POOL_SIZE 16).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.refresh.processes import (
    ROOT,
    FarmProcess,
    PostgresCpu,
    ask_django,
    child_env,
    cpu_of,
    logged,
    logged_lines,
    pending,
    profiled_argv,
    reset_postgres,
    wait_sampling,
)
from bench.refresh.report import report_cycle, report_pages

# ---- one source's pages ------------------------------------------------------------------------


def pages(args: argparse.Namespace, work: Path) -> list[dict]:
    farm = FarmProcess("--sites", "1", "--items", str(args.items), "--page-delay", str(args.page_delay))
    host, port = farm.sites[0]
    rows = []
    try:
        configs = [("before: one page at a time", 1, 2, False)] + [
            (f"page threads, per-host limit {limit}", 8, limit, False) for limit in (2, 4, 6, 8)
        ]
        configs.append(("page threads, per-host limit 4, warm process", 8, 4, True))
        for label, workers, per_host, warm in configs:
            runs = []
            for n in range(args.repeats):
                db = work / f"pages-{workers}-{per_host}-{warm}-{n}.sqlite3"
                env = child_env(f"sqlite:///{db}", work, NEWSDESK_FETCH_PAGE_WORKERS=str(workers),
                           NEWSDESK_FETCH_PER_HOST=str(per_host))  # fmt: skip
                extra = [f"http://{host}:{port}/feed/{1000 + n}.xml"] if warm else []
                runs.append(ask_django(env, "one", f"http://{host}:{port}/feed/{n}.xml", *extra))
            rows.append({"label": label, "runs": runs})
    finally:
        farm.stop()
    return rows


# ---- a whole cycle -----------------------------------------------------------------------------


def _workers_run(
    args: argparse.Namespace,
    env: dict[str, str],
    database_url: str,
    farm: FarmProcess,
    threads: int,
    batch: int,
) -> dict:
    env = {**env, "NEWSDESK_QUEUE_BATCH": str(batch)}
    ask_django(env, "reset")
    pg = PostgresCpu(database_url)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    enqueued = ask_django(env, "enqueue")["enqueued"]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    scheduler_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    argv = [sys.executable, "-m", "newsdesk", "worker"]  # database backend: no Redis in this env
    if args.profile:
        # cProfile sees one thread: the task's, which then checks its sources one after another.
        env = {**env, "NEWSDESK_QUEUE_BATCH_THREADS": "1"}
    if threads > 1:
        argv += ["--threads", str(threads)]
    logs = [Path(env["NEWSDESK_DATA_DIR"]) / f"worker-{threads}-{batch}-{n}.log" for n in range(args.workers)]
    workers = [
        subprocess.Popen(
            profiled_argv(argv, args.profile, f"worker-{threads}-{batch}-{n}") if args.profile else argv,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
            text=True,
        )
        for n, log in enumerate(logs)
    ]
    farm_cpu = farm.cpu()
    cpu = [0.0] * len(workers)
    try:
        while True:
            time.sleep(0.5)
            cpu = [cpu_of(w.pid) for w in workers]
            pg.sample()
            state = pending(database_url)
            if state["pending"] == 0 or time.perf_counter() - started > args.give_up:
                break
            failed = [n for n, w in enumerate(workers) if w.poll() not in (None, 0)]
            if failed:
                raise SystemExit(f"a worker failed:\n{logs[failed[0]].read_text()[-3000:]}")
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(30)
            except subprocess.TimeoutExpired:
                w.kill()
    pg.sample()
    pg.close()
    return {"seconds": time.perf_counter() - started, "cpu": sum(cpu), **state, "enqueued": enqueued,
            "scheduler_cpu": scheduler_cpu, "pg_cpu": pg.total(), "pg_backends": len(pg.seen),
            "articles": ask_django(env, "articles")["articles"], "farm_cpu": farm.cpu() - farm_cpu,
            "problems": ask_django(env, "problems", str(args.fresh)), "logged": logged(logs)}  # fmt: skip


def cycle(args: argparse.Namespace, work: Path) -> dict:
    farm = FarmProcess("--sites", str(args.sites), "--fresh", str(args.fresh), "--page-delay",
                       str(args.cycle_page_delay))  # fmt: skip
    database_url = args.database_url or f"sqlite:///{work / 'cycle.sqlite3'}"
    env = child_env(database_url, work)
    result: dict = {}
    try:
        if args.database_url:
            reset_postgres(env)
        ask_django(env, "setup", farm.manifest, str(args.feeds))
        # Ours: the scheduler's enqueue, then workers until every task is done; once per thread count.
        for threads in [] if args.skip == "ours" else args.threads:
            for batch in args.queue_batch:
                key = f"ours-{threads}-{batch}"
                result[key] = _workers_run(args, env, database_url, farm, threads, batch)
        # Baseline: `newsdesk fetch --all`, same farm, same starting state.
        if args.skip == "baseline":
            return result
        ask_django(env, "reset")
        farm_cpu = farm.cpu()
        pg = PostgresCpu(database_url)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        fetch_all = subprocess.Popen([sys.executable, "-m", "newsdesk", "fetch", "--all"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        done = wait_sampling(fetch_all, pg)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        result["baseline"] = {
            "seconds": seconds, "returncode": done.returncode,
            "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "articles": ask_django(env, "articles")["articles"], "farm_cpu": farm.cpu() - farm_cpu,
            "problems": ask_django(env, "problems", str(args.fresh)), "logged": logged_lines(done.stderr),
            "scheduler_cpu": 0.0, "pg_cpu": pg.total(), "pg_backends": len(pg.seen),
        }  # fmt: skip
        pg.close()
    finally:
        result["served"] = farm.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.refresh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--only", choices=["pages", "cycle"], help="run one part")
    parser.add_argument("--items", type=int, default=60, help="stories in the one-source feed")
    parser.add_argument("--page-delay", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--fresh", type=float, default=0.1)
    parser.add_argument("--cycle-page-delay", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[1, 8],
        help="`newsdesk worker --threads` values, one cycle each (default 1,8)",
    )
    parser.add_argument(
        "--queue-batch",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[25],
        help="NEWSDESK_QUEUE_BATCH values (sources per task), one cycle each (default 25)",
    )
    parser.add_argument(
        "--skip",
        choices=["ours", "baseline"],
        help="leave out the workers' cycles or `fetch --all` (to run them back to back, not in one run)",
    )
    parser.add_argument("--give-up", type=float, default=900, help="seconds before the cycle is abandoned")
    parser.add_argument("--database-url", default="", help="a PostgreSQL database the bench may empty")
    parser.add_argument("--profile", default="", metavar="DIR", help="run the workers under cProfile")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"shared with other jobs; load average at the start {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        work = Path(tmp)
        if args.only in (None, "pages"):
            report_pages(args, pages(args, work))
        if args.only in (None, "cycle"):
            report_cycle(args, cycle(args, work))


if __name__ == "__main__":
    main()
