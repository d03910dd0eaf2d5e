"""`python -m bench.serve.tail`: where the crawler sweep's tail comes from, with two web processes.

The sweep of `bench.serve.sweep` (64 connections, every request a different article, page cache off),
with the server's application swapped for `bench.serve.tail_app` (the same application with instruments),
once per `--threads` value (`16` or, with a switch interval, `16:0.001`). Per run it gives wrk's figures and
wrk's own CPU, and per worker process: the connections it holds mid-run (`ss`), its CPU, its requests, the
server's latency (from `__rsgi__` to the response, the thread pool's queue included) against the page
thread's wall and CPU time, and the full garbage collections (CPU ms, objects collected).

    python -m bench.serve.tail --data-dir /work/data/nd-100k [--postgres URL] [--threads 16,4]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.serve.__main__ import free_port, wait_for
from bench.serve.measure import ROOT, ROTATE_LUA, article_paths, database_cpu_seconds, database_name, wrk
from bench.serve.tools import ensure_tools, server_env


def _process_cpu(group: int) -> dict[str, float]:
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


def _ms(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve.tail", description=__doc__)
    parser.add_argument("--data-dir", default="/tmp/newsdesk-bench-profile")
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", default="16", help="page threads per process[:switch interval], …")
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    ensure_tools(("wrk", "ss"))
    env = server_env(args.data_dir, args.postgres, str(ROOT), NEWSDESK_PAGE_CACHE_SECONDS="0")
    work = Path(tempfile.mkdtemp(prefix="newsdesk-tail-"))
    (work / "articles.txt").write_text("\n".join(article_paths(env)) + "\n")
    script = work / "sweep.lua"
    script.write_text(ROTATE_LUA % {"list": work / "articles.txt", "threads": 2})
    print(f"Load average {os.getloadavg()[0]:.1f} at the start.", flush=True)
    for run, combo in enumerate(args.threads.split(",")):
        threads, _, switch = combo.partition(":")
        out = work / f"out-{run}"
        port = free_port()
        argv = [
            sys.executable, "-m", "granian", "--interface", "rsgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(args.processes), "--no-ws", "--log-level", "warning",
            "--workers-kill-timeout", "5", "--backlog", "2048", "--backpressure", "320",
            "bench.serve.tail_app:application",
        ]  # fmt: skip
        extra = {"NEWSDESK_WEB_THREADS": threads, "TAIL_OUT": str(out)}
        if switch:
            extra["PYTHONSWITCHINTERVAL_BENCH"] = switch
        server = subprocess.Popen(
            argv, env={**env, **extra}, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}/"
        try:
            wait_for(base + "robots.txt")
            wrk(base, connections=4, seconds=2, threads=1, script=script)
            held: list[collections.Counter[str]] = []

            def look(port: int = port, held: list[collections.Counter[str]] = held) -> None:
                time.sleep(args.seconds / 2)
                listing = subprocess.run(
                    ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                    capture_output=True, text=True, check=False,
                ).stdout  # fmt: skip
                held.append(collections.Counter(re.findall(r"pid=(\d+)", listing)))

            looker = threading.Thread(target=look)
            looker.start()
            cpu_before, db_before = _process_cpu(server.pid), database_cpu_seconds(database_name(env))
            load_before = os.getloadavg()[0]
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            result = wrk(base, connections=64, seconds=args.seconds, threads=2, script=script)
            usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_after, db_after = _process_cpu(server.pid), database_cpu_seconds(database_name(env))
            load_after = os.getloadavg()[0]
            looker.join()
            time.sleep(1.5)  # the workers' last writes
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        done = max(result.requests_per_second * args.seconds, 1)
        wrk_cpu = usage_after.ru_utime + usage_after.ru_stime - usage.ru_utime - usage.ru_stime
        spent = {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
        print(
            f"\n{threads} page threads{f', switch interval {switch} s' if switch else ''}, load "
            f"{load_before:.1f} -> {load_after:.1f}: {result.requests_per_second:,.0f} req/s, p50 "
            f"{result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, errors {result.errors}; web CPU "
            f"{sum(spent.values()) * 1000 / done:.2f} ms per request (+ database "
            f"{(db_after - db_before) * 1000 / done:.2f}); wrk's CPU {wrk_cpu * 1000 / done:.2f} ms "
            "per request"
        )
        print(f"  connections per process mid-run: {dict(held[0]) if held else '?'}")
        for path in sorted(out.glob("*.json")):
            stats = json.loads(path.read_text())
            latency, wall, cpu = stats["latency"], stats["thread_wall"], stats["thread_cpu"]
            print(
                f"  pid {path.stem}: CPU {spent.get(path.stem, 0.0):.2f} s, {stats['requests']:,} requests; "
                f"server latency p50 {_ms(latency, 0.5):.1f} / p99 {_ms(latency, 0.99):.1f} ms; "
                f"page thread wall p50 {_ms(wall, 0.5):.1f} / p99 {_ms(wall, 0.99):.1f} ms, "
                f"CPU p50 {_ms(cpu, 0.5):.2f} / p99 {_ms(cpu, 0.99):.2f} ms; "
                f"full collections (CPU ms, collected) {stats['full']}; "
                f"generation 2 now {stats['generation_2']:,} (frozen {stats['frozen']:,})"
            )
    shutil.rmtree(work, ignore_errors=True)
    print(f"\nLoad average {os.getloadavg()[0]:.1f} at the end.")


if __name__ == "__main__":
    main()
