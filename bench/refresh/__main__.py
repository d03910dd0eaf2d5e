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
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")


def _env(database_url: str, work: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "NEWSDESK_DATA_DIR": str(work),
        "NEWSDESK_SECRET_KEY": "benchmark-only",
        "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "1",
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "NEWSDESK_WORKER_POLL_MS": "100",
        **extra,
    })  # fmt: skip
    return env


def _django(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.refresh.django_side", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench.refresh.django_side {args[0]} failed:\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


class FarmProcess:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.refresh.farm", *args], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert self.proc.stdout is not None
        self.manifest = self.proc.stdout.readline()
        self.sites = json.loads(self.manifest)["sites"]

    def stop(self) -> dict:
        out, _ = self.proc.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])

    def cpu(self) -> float:
        return _cpu_of(self.proc.pid)


class PostgresCpu:
    """The CPU time of the PostgreSQL backends serving the bench's database, from /proc: sampled (call
    `sample()` often), each backend's last figure minus what it had used when first seen. A backend that
    starts and ends between two samples is missed, so this is a lower bound when connections are short.
    Nothing on SQLite (the database is in the workers' own processes)."""

    def __init__(self, database_url: str) -> None:
        self.seen: dict[int, tuple[float, float]] = {}  # pid -> (first, last) CPU seconds
        self.conn = None
        if database_url.startswith("postgres"):
            import psycopg

            self.conn = psycopg.connect(database_url, autocommit=True)
            self.sample(first=True)

    def sample(self, first: bool = False) -> None:
        if self.conn is None:
            return
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        for (pid,) in rows:
            try:
                cpu = _cpu_of(pid)
            except (FileNotFoundError, ProcessLookupError):
                continue
            start = self.seen.get(pid, (cpu if first else 0.0, 0.0))[0]
            self.seen[pid] = (start, cpu)

    def total(self) -> float:
        return sum(last - first for first, last in self.seen.values())

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


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
                env = _env(f"sqlite:///{db}", work, NEWSDESK_FETCH_PAGE_WORKERS=str(workers),
                           NEWSDESK_FETCH_PER_HOST=str(per_host))  # fmt: skip
                extra = [f"http://{host}:{port}/feed/{1000 + n}.xml"] if warm else []
                runs.append(_django(env, "one", f"http://{host}:{port}/feed/{n}.xml", *extra))
            rows.append({"label": label, "runs": runs})
    finally:
        farm.stop()
    return rows


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
    _django(env, "reset")
    pg = PostgresCpu(database_url)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    enqueued = _django(env, "enqueue")["enqueued"]
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
            _profiled(argv, args.profile, f"worker-{threads}-{batch}-{n}") if args.profile else argv,
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
            cpu = [_cpu_of(w.pid) for w in workers]
            pg.sample()
            state = _pending(database_url)
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
            "articles": _django(env, "articles")["articles"], "farm_cpu": farm.cpu() - farm_cpu,
            "problems": _django(env, "problems", str(args.fresh)), "logged": _logged(logs)}  # fmt: skip


def _logged(logs: list[Path]) -> list[str]:
    return _logged_lines("\n".join(log.read_text(errors="replace") for log in logs))


def _logged_lines(text: str) -> list[str]:
    """The first few error and warning lines logged (their time stamps cut off)."""
    lines = [
        line.split(" ", 2)[-1][:200] for line in text.splitlines() if " ERROR " in line or " WARNING " in line
    ]
    return [f"{len(lines)} error/warning line(s)", *lines[:8]]


def _profiled(argv: list[str], where: str, name: str) -> list[str]:
    """`python -m newsdesk ...` under cProfile (CPU time), written to WHERE/NAME.prof when it stops."""
    Path(where).mkdir(parents=True, exist_ok=True)
    return [argv[0], "-m", "bench.refresh.profiled", str(Path(where) / f"{name}.prof"), *argv[1:]]


def cycle(args: argparse.Namespace, work: Path) -> dict:
    farm = FarmProcess("--sites", str(args.sites), "--fresh", str(args.fresh), "--page-delay",
                       str(args.cycle_page_delay))  # fmt: skip
    database_url = args.database_url or f"sqlite:///{work / 'cycle.sqlite3'}"
    env = _env(database_url, work)
    result: dict = {}
    try:
        if args.database_url:
            _reset_postgres(env)
        _django(env, "setup", farm.manifest, str(args.feeds))
        # Ours: the scheduler's enqueue, then workers until every task is done; once per thread count.
        for threads in [] if args.skip == "ours" else args.threads:
            for batch in args.queue_batch:
                key = f"ours-{threads}-{batch}"
                result[key] = _workers_run(args, env, database_url, farm, threads, batch)
        # Baseline: `newsdesk fetch --all`, same farm, same starting state.
        if args.skip == "baseline":
            return result
        _django(env, "reset")
        farm_cpu = farm.cpu()
        pg = PostgresCpu(database_url)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        fetch_all = subprocess.Popen([sys.executable, "-m", "newsdesk", "fetch", "--all"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        done = _wait_sampling(fetch_all, pg)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        result["baseline"] = {
            "seconds": seconds, "returncode": done.returncode,
            "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "articles": _django(env, "articles")["articles"], "farm_cpu": farm.cpu() - farm_cpu,
            "problems": _django(env, "problems", str(args.fresh)), "logged": _logged_lines(done.stderr),
            "scheduler_cpu": 0.0, "pg_cpu": pg.total(), "pg_backends": len(pg.seen),
        }  # fmt: skip
        pg.close()
    finally:
        result["served"] = farm.stop()
    return result


def _wait_sampling(proc: subprocess.Popen[str], pg: PostgresCpu) -> subprocess.CompletedProcess[str]:
    """Wait for `proc`, sampling the PostgreSQL backends' CPU every half second."""
    import threading

    out: dict[str, str] = {}

    def read() -> None:
        out["stdout"], out["stderr"] = proc.communicate()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while reader.is_alive():
        pg.sample()
        reader.join(0.5)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out["stdout"], out["stderr"])


def _pending(database_url: str) -> dict:
    """Tasks not finished yet, read with one light query (not a Django process: that would steal the CPU
    the workers are being measured on)."""
    query = (
        "SELECT count(*), count(*) FILTER (WHERE status IN ('SUCCESSFUL', 'FAILED')) "
        "FROM django_tasks_database_dbtaskresult"
    )
    if database_url.startswith("sqlite:"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            total, done = db.execute(query).fetchone()
    else:
        import psycopg

        with psycopg.connect(database_url) as conn:
            row = conn.execute(query).fetchone()
            total, done = row if row is not None else (0, 0)
    return {"pending": total - done, "done": done}


def _reset_postgres(env: dict[str, str]) -> None:
    code = (
        "from newsdesk.core.bootstrap import ensure_database; ensure_database();"
        "from django.db import connection; c = connection.cursor();"
        "c.execute('TRUNCATE sources_source, articles_article, django_tasks_database_dbtaskresult "
        "RESTART IDENTITY CASCADE')"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


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
              f"{_all_cpu(row) * 1000 / args.feeds:.1f} |")  # fmt: skip
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


def _all_cpu(row: dict) -> float:
    """Every process of the cycle: workers (or `fetch --all`), the scheduler's enqueue, the farm and the
    PostgreSQL backends seen."""
    return float(row["cpu"] + row["farm_cpu"] + row["scheduler_cpu"] + row["pg_cpu"])


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
