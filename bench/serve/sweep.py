"""`python -m bench.serve.sweep`: a crawler's sweep over distinct article pages, and CPU per request per page.

Uses a database built by `python -m bench.serve.profile` (--data-dir, or --postgres URL), starts the web
server exactly as `newsdesk run` does (granian, RSGI, Django's WSGI app on a thread pool) but with
`--workers N`, and measures:

1. **CPU per request through the server**, per page type, page cache off: wrk with 4 connections for a few
   seconds per page; the server's CPU time (all processes of its group, from /proc) over the requests it
   answered. A cached article page (page cache on) is measured the same way, and each page is given as a
   multiple of it.
2. **The sweep**: wrk at 64 connections with a Lua script that gives every request a different article URL
   (the whole archive, spread across wrk's threads, so no URL is asked twice and nothing is a cache hit),
   page cache off, with 1 and 2 web processes. nginx serves a sample of the same pages' bytes as static
   files, rotated the same way, as the anchor.
3. **Cached pages**: page cache on, home and one article at 64 connections, against nginx serving the same
   bytes (the target is at least 0.20×): with one and two web processes (`--cached-processes`), each
   against nginx with one worker per core (`auto`, the old figure) and with one worker
   (`--cached-nginx-workers`); and both sides' CPU per request in the same runs.

`--server-root DIR` runs another checkout's server, with that checkout's own server options;
`--skip-cpu`, `--skip-sweep` and `--skip-cached` leave parts out; `--pages home,topic,source` measures
only those page types' CPU (the cached article is always measured).

    python -m bench.serve.sweep --data-dir /tmp/nd-100k [--postgres URL] [--processes 1,2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bench.serve.__main__ import fetch, free_port, wait_for
from bench.serve.measure import (
    ROOT,
    ROTATE_LUA,
    Server,
    article_paths,
    cpu_per_request,
    cpu_text,
    nginx_cpu_seconds,
    requests_done,
    wrk,
)
from bench.serve.spy import table as spy_table
from bench.serve.tools import WrkResult, ensure_tools, page_wanted, server_env, start_nginx


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve.sweep", description=__doc__)
    parser.add_argument("--data-dir", default="/tmp/newsdesk-bench-profile")
    parser.add_argument("--postgres", metavar="URL", help="the database bench.serve.profile built there")
    parser.add_argument("--processes", default="1,2", help="web process counts for the sweep")
    parser.add_argument("--seconds", type=int, default=10, help="length of one sweep run")
    parser.add_argument("--cpu-seconds", type=int, default=4, help="length of one CPU-per-request run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--sample", type=int, default=1000, help="article pages nginx serves as files")
    parser.add_argument("--skip-cpu", action="store_true")
    parser.add_argument("--pages", default="", help="page types for the CPU part, comma-separated")
    parser.add_argument("--skip-cached", action="store_true")
    parser.add_argument("--cached-rounds", type=int, default=3, help="ours-then-nginx pairs per cached page")
    parser.add_argument(
        "--cached-processes",
        default="1,2",
        help="web process counts for the cached pages (1 is the figure the target was set on)",
    )
    parser.add_argument(
        "--cached-nginx-workers",
        default="auto,1",
        help="nginx worker_processes for the cached pages' anchor (auto: one per core, the old figure)",
    )
    parser.add_argument(
        "--skip-sweep", action="store_true", help="no crawler sweep (CPU and cached parts only)"
    )
    parser.add_argument(
        "--server-root",
        default=str(ROOT),
        help="the checkout the server runs (e.g. an older commit, for before/after)",
    )
    parser.add_argument(
        "--spy",
        metavar="PREFIX",
        help="py-spy (--gil) on the first web process of each sweep: PREFIX-Np.txt, and its parts' table",
    )
    args = parser.parse_args()
    ensure_tools()
    env = server_env(args.data_dir, args.postgres, args.server_root)
    database = "PostgreSQL" if args.postgres else "SQLite"
    work = Path(tempfile.mkdtemp(prefix="newsdesk-sweep-"))
    work.chmod(0o755)
    paths = article_paths(env)
    (work / "articles.txt").write_text("\n".join(paths) + "\n")
    print(f"{database}: {len(paths):,} article URLs. Load average {os.getloadavg()[0]:.1f}.", flush=True)
    lines: list[str] = []
    load_start = os.getloadavg()[0]

    # nginx: a sample of the same article pages as files, rotated the same way; home and one article.
    www = work / "nginx" / "www"
    (www / "a").mkdir(parents=True)
    server = Server(env, 1, 0)
    try:
        for i, path in enumerate(paths[: args.sample]):
            (www / "a" / f"{i}.html").write_bytes(fetch(server.base + path)[0])
        (www / "home.html").write_bytes(fetch(server.base + "/")[0])
        (www / "article.html").write_bytes(fetch(server.base + paths[0])[0])
        (work / "static.txt").write_text("".join(f"/a/{i}.html\n" for i in range(args.sample)))
        static_size = sum(f.stat().st_size for f in (www / "a").iterdir()) / args.sample
        if not args.skip_cpu:
            pages = cpu_pages(server.base, paths)
            lines += cpu_table(server, pages, args, env)
    finally:
        server.stop()
    # One nginx per worker setting, all serving the same files; "auto" (one worker per core) first.
    anchors: dict[str, int] = {}
    nginxes: list[subprocess.Popen[bytes]] = []
    try:
        for workers in dict.fromkeys(["auto", *args.cached_nginx_workers.split(",")]):
            anchors[workers] = free_port()
            nginxes.append(start_nginx(work / f"nginx-{workers}", anchors[workers], workers, www=www))
            wait_for(f"http://127.0.0.1:{anchors[workers]}/home.html")
        if not args.skip_sweep:
            lines += sweep_table(args, env, work, anchors["auto"], static_size)
        if not args.skip_cached:
            lines += cached_table(
                args, env, anchors, {w: n.pid for w, n in zip(anchors, nginxes, strict=True)}, paths[0]
            )
    finally:
        for nginx in nginxes:
            nginx.terminate()
            nginx.wait(timeout=10)
    head = (
        f"Measured by `python -m bench.serve.sweep` ({database}, {len(paths):,} published articles). "
        f"Machine: {os.cpu_count()} cores shared by wrk, nginx and the server, Python "
        f"{platform.python_version()}; load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end."
    )
    print("\n".join([head, "", *lines]))


def cpu_pages(base: str, paths: list[str]) -> dict[str, str]:
    html = fetch(base + "/topics/")[0].decode()
    topic = next(part.split('"')[0] for part in html.split('href="/topic/')[1:])
    html = fetch(base + "/sources/")[0].decode()
    source = next(part.split('"')[0] for part in html.split('href="/source/')[1:])
    return {
        "robots.txt (Django's floor)": "/robots.txt",
        "article (newest)": urlsplit(paths[0]).path,
        "article (oldest)": urlsplit(paths[-1]).path,
        "home": "/",
        "topic": f"/topic/{topic}",
        "source": f"/source/{source}",
        "topics index": "/topics/",
        "sources index": "/sources/",
        "search, two common words": "/search?q=town+council",
        "feed (latest, RSS)": "/feeds/latest.rss",
        "sitemap index": "/sitemap.xml",
        "sitemap (articles, page 1)": "/sitemap-articles.xml",
        "sitemap (news)": "/sitemap-news.xml",
    }


def cpu_table(
    server: Server, pages: dict[str, str], args: argparse.Namespace, env: dict[str, str]
) -> list[str]:
    cached_server = Server(env, 1, 60)
    try:
        cached = statistics.median(
            cpu_per_request(cached_server, pages["article (newest)"], args.cpu_seconds)[0] for _ in range(3)
        )
    finally:
        cached_server.stop()
    out = [
        "CPU per request in the web process (through the server, page cache off; wrk, 4 connections, "
        f"{args.cpu_seconds} s per page). A cached article page costs **{cached:.3f} ms**. On PostgreSQL, "
        "its server's CPU for the same requests is given beside it.",
        "",
        "| page | path | CPU ms per request | × cached | PostgreSQL server CPU ms |",
        "|---|---|---|---|---|",
    ]
    for name, path in pages.items():
        if args.pages.strip() and not page_wanted(name, args.pages):
            continue
        ms, db = cpu_per_request(server, path, args.cpu_seconds)
        db_text = f"{db:.2f}" if server.database else "—"
        out.append(f"| {name} | `{path}` | {ms:.2f} | {ms / cached:.0f}× | {db_text} |")
        print(out[-1], flush=True)
    return [*out, ""]


def start_spy(server: Server, output: str, seconds: int) -> subprocess.Popen[bytes]:
    """py-spy on the server's first web process (granian's first child) for most of one sweep."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), "record", "--gil", "--rate", "250", "--format", "raw",
         "--duration", str(max(seconds - 2, 1)), "--output", output, "--pid", children[0]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def sweep_table(
    args: argparse.Namespace, env: dict[str, str], work: Path, nginx_port: int, static_size: float
) -> list[str]:
    threads = 2
    ours = work / "sweep.lua"
    ours.write_text(ROTATE_LUA % {"list": work / "articles.txt", "threads": threads})
    theirs = work / "static.lua"
    theirs.write_text(ROTATE_LUA % {"list": work / "static.txt", "threads": threads})
    out = [
        f"Crawler sweep: wrk, {args.connections} connections, {threads} threads, {args.seconds} s, every "
        "request a different article URL (page cache off: no hits). nginx rotates over "
        f"{args.sample:,} of the same pages saved as files (mean {static_size / 1024:.0f} KB).",
        "",
        "The CPU column is the web server's CPU per request during the sweep (+ PostgreSQL's, on "
        "PostgreSQL); load is the 1-minute load average at its end.",
        "",
        "| web processes | requests/s | p50 ms | p99 ms | errors (timeouts) | CPU ms per request | load "
        "| nginx requests/s | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for count in [int(n) for n in args.processes.split(",")]:
        server = Server(env, count, 0)
        try:
            wrk(server.base + "/", connections=4, seconds=2, threads=1, script=ours)  # warm every worker
            web, db = server.cpu()
            spy = start_spy(server, f"{args.spy}-{count}p.txt", args.seconds) if args.spy else None
            try:
                result = wrk(
                    server.base + "/", connections=args.connections, seconds=args.seconds, script=ours
                )
                web_after, db_after = server.cpu()
                load = os.getloadavg()[0]
            finally:
                if spy is not None:
                    spy.wait()
        finally:
            server.stop()
        if args.spy:
            raw_path = Path(f"{args.spy}-{count}p.txt")
            if raw_path.exists():
                with raw_path.open(encoding="utf-8") as raw:
                    print(spy_table(raw, f"py-spy, {count} web process(es), the first one"), flush=True)
            else:  # py-spy could not attach (no ptrace permission): the sweep's figures still stand
                print(f"py-spy wrote no samples to {raw_path} (could it attach to the process?)", flush=True)
        done = max(requests_done(result, args.seconds), 1)
        anchor = wrk(
            f"http://127.0.0.1:{nginx_port}/",
            connections=args.connections,
            seconds=args.seconds,
            script=theirs,
        )
        out.append(
            f"| {count} | {result.requests_per_second:,.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} | "
            f"{result.errors} ({result.timeouts}) | {cpu_text(web_after - web, db_after - db, done)} | "
            f"{load:.1f} | {anchor.requests_per_second:,.0f} | "
            f"{result.requests_per_second / anchor.requests_per_second:.4f}× |"
        )
        print(out[-1], flush=True)
    return [*out, ""]


def cached_table(
    args: argparse.Namespace,
    env: dict[str, str],
    anchors: dict[str, int],
    masters: dict[str, int],
    article: str,
) -> list[str]:
    """Cached pages against nginx: for each web process count, `--cached-rounds` rounds of ours then each
    nginx (one per worker setting) back to back, so that the machine's load moves both sides of a ratio
    alike; with the server's CPU per hit (4 connections) and each page's size.

    Which pair is like for like: nginx "auto" runs one worker per core, so it may use the whole machine;
    one web process (granian's I/O thread and the Python thread) may use more than one core too, but its
    Python runs on one. Two web processes against nginx "auto" give both sides the same cores; one web
    process against one nginx worker gives both one process. The target was set, and is still first
    printed, as one web process against nginx "auto"."""
    workers = list(dict.fromkeys(args.cached_nginx_workers.split(",")))
    cpu_rows: list[str] = []
    out = [
        f"Cached pages (page cache on, wrk {args.connections} connections, 2 threads, {args.seconds} s, "
        f"ours then each nginx, {args.cached_rounds} rounds; the CPU is the server's per hit at 4 "
        "connections, "
        "all its processes). nginx workers: `worker_processes` (auto = one per core, "
        f"{os.cpu_count()} here).",
        "",
        "| page | web processes | nginx workers | bytes | CPU µs per hit | requests/s (each round) "
        "| p99 ms (each round) | nginx requests/s (each round) | ratio (each round) | ratio, median |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def timed_nginx(w: str, name: str) -> tuple[WrkResult, float]:
        """One nginx run, and nginx's CPU per request in it (µs)."""
        before = nginx_cpu_seconds(masters[w])
        result = wrk(
            f"http://127.0.0.1:{anchors[w]}/{name}.html", connections=args.connections, seconds=args.seconds
        )
        spent = nginx_cpu_seconds(masters[w]) - before
        return result, spent * 1e6 / max(requests_done(result, args.seconds), 1)

    for processes in [int(n) for n in args.cached_processes.split(",")]:
        server = Server(env, processes, 60)
        try:
            for name, path in (("home", "/"), ("article", article)):
                size = len(fetch(server.base + path)[0])
                hit_cpu = cpu_per_request(server, path, args.cpu_seconds)[0]
                ours: list[WrkResult] = []
                ours_cpu: list[float] = []
                theirs: dict[str, list[WrkResult]] = {w: [] for w in workers}
                theirs_cpu: dict[str, list[float]] = {w: [] for w in workers}
                for _ in range(args.cached_rounds):
                    before = server.cpu()[0]
                    ours.append(wrk(server.base + path, connections=args.connections, seconds=args.seconds))
                    spent = server.cpu()[0] - before
                    ours_cpu.append(spent * 1e6 / max(requests_done(ours[-1], args.seconds), 1))
                    for w in workers:
                        result, cpu = timed_nginx(w, name)
                        theirs[w].append(result)
                        theirs_cpu[w].append(cpu)
                for w in workers:
                    cpu_ratio = statistics.median(theirs_cpu[w]) / statistics.median(ours_cpu)
                    cpu_rows.append(
                        f"| {name} | {processes} | {w} | {statistics.median(ours_cpu):.0f} | "
                        f"{statistics.median(theirs_cpu[w]):.1f} | {cpu_ratio:.3f}× |"
                    )
                    ratios = [
                        a.requests_per_second / b.requests_per_second
                        for a, b in zip(ours, theirs[w], strict=True)
                    ]
                    out.append(
                        f"| {name} | {processes} | {w} | {size:,} | {hit_cpu * 1000:.0f} | "
                        f"{', '.join(f'{r.requests_per_second:,.0f}' for r in ours)} | "
                        f"{', '.join(f'{r.p99_ms:.1f}' for r in ours)} | "
                        f"{', '.join(f'{r.requests_per_second:,.0f}' for r in theirs[w])} | "
                        f"{', '.join(f'{r:.3f}×' for r in ratios)} | {statistics.median(ratios):.3f}× |"
                    )
                    print(out[-1], flush=True)
        finally:
            server.stop()
    return [
        *out,
        "",
        "CPU per request during the same 64-connection runs (medians of the rounds): ours (all the web "
        "server's processes) and nginx's (master and workers); the last column is nginx's CPU over ours, "
        "the ratio with the machine's load and wrk's own share taken out.",
        "",
        "| page | web processes | nginx workers | ours µs | nginx µs | nginx / ours |",
        "|---|---|---|---|---|---|",
        *cpu_rows,
        "",
    ]


if __name__ == "__main__":
    main()
