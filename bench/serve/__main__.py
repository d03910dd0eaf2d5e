"""`python -m bench.serve`: the home page and an article page under wrk, beside nginx serving the same bytes.

Generates N synthetic articles into a temporary data dir (SQLite, or a scratch PostgreSQL database with
--postgres), starts `newsdesk run` on a loopback port in three ways (no page cache, our WSGI page cache,
Django's cache middleware), saves the two pages' HTML for nginx, and runs wrk against nginx and against
us in turn, page by page, several times. Prints medians and ratios, and writes docs/benchmarks.md's
"Serving" section. Installs wrk and nginx with apt-get if missing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

from bench.serve.tools import WrkResult, ensure_tools, run_wrk, start_nginx

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "benchmarks.md"
MODES = {
    "uncached": {"NEWSDESK_PAGE_CACHE_SECONDS": "0"},
    "page cache": {"NEWSDESK_PAGE_CACHE_SECONDS": "5"},
    "Django cache middleware": {
        "NEWSDESK_PAGE_CACHE_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "bench.serve.django_cache_settings",
    },
}
ARTICLE_LINK = re.compile(r'href="(/article/\d+[^"]*)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[bytes, Message]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), response.headers


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"bench.serve: nothing answered at {url} within {seconds:.0f} s")


@dataclass
class Figures:
    runs: dict[tuple[str, str], list[WrkResult]] = field(default_factory=dict)

    def add(self, who: str, page: str, result: WrkResult) -> None:
        self.runs.setdefault((who, page), []).append(result)

    def rps(self, who: str, page: str) -> float:
        return statistics.median(r.requests_per_second for r in self.runs[(who, page)])

    def p99(self, who: str, page: str) -> float:
        return statistics.median(r.p99_ms for r in self.runs[(who, page)])

    def p50(self, who: str, page: str) -> float:
        return statistics.median(r.p50_ms for r in self.runs[(who, page)])

    def errors(self, who: str, page: str) -> int:
        return sum(r.errors for r in self.runs[(who, page)])


class Server:
    def __init__(self, env: dict[str, str], mode_env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "run", "--port", str(self.port)],
            env={**env, **mode_env},
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.base + "/")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)  # `newsdesk run` stops its own children
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def scratch_postgres(url: str) -> tuple[str, callable]:  # type: ignore[valid-type]
    import psycopg

    name = "newsdesk_bench_serve"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    scratch = re.sub(r"/[^/]*$", f"/{name}", url)

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return scratch, drop


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per page and contender; medians")
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--postgres", metavar="URL", help="use a scratch database on this PostgreSQL server")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated, from: " + ", ".join(MODES))
    parser.add_argument(
        "--article-path", help="the article page to load (default: the first on the home page)"
    )
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(unknown)}")

    ensure_tools()
    root = Path(tempfile.mkdtemp(prefix="newsdesk-bench-serve-"))
    root.chmod(0o755)  # nginx's workers drop to an unprivileged user: they must reach the page files
    cleanups = [lambda: shutil.rmtree(root, ignore_errors=True)]
    env = {
        **os.environ,
        "NEWSDESK_DATA_DIR": str(root / "data"),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "NEWSDESK_SECRET_KEY": "bench-serve-not-secret",
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    database = "SQLite"
    nginx = None
    try:
        if args.postgres:
            env["DATABASE_URL"], drop = scratch_postgres(args.postgres)
            cleanups.append(drop)
            database = "PostgreSQL"
        print(f"Generating {args.articles:,} articles ({database})…", file=sys.stderr)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "bench.serve.generate", str(args.articles)], env=env, cwd=ROOT, check=True
        )
        generated = time.monotonic() - started

        figures = Figures()
        load_before = os.getloadavg()[0]
        pages: dict[str, str] = {}
        nginx_port = free_port()
        cacheable: dict[str, bool] = {}
        single: dict[str, float] = {}
        for mode in modes:
            server = Server(env, MODES[mode])
            try:
                if not pages:
                    pages = discover_pages(server.base, args.article_path)
                    www = root / "nginx" / "www"
                    www.mkdir(parents=True)
                    for page, path in pages.items():
                        (www / f"{page}.html").write_bytes(fetch(server.base + path)[0])
                    nginx = start_nginx(root / "nginx", nginx_port)
                    wait_for(f"http://127.0.0.1:{nginx_port}/home.html")
                cacheable[mode] = all(probe_cache(server.base + path) for path in pages.values())
                for path in pages.values():  # warm up: imports, templates, database pages
                    run_wrk(server.base + path, connections=8, seconds=2, threads=1)
                if mode == "uncached":
                    for page, path in pages.items():
                        one = run_wrk(server.base + path, connections=1, seconds=5, threads=1)
                        single[page] = one.p99_ms
                for run in range(args.runs):
                    for page, path in pages.items():
                        print(f"  {mode}, {page}, run {run + 1}/{args.runs}…", file=sys.stderr, flush=True)
                        wrk = {
                            "connections": args.connections,
                            "seconds": args.seconds,
                            "threads": args.threads,
                        }
                        figures.add(
                            f"nginx|{mode}",
                            page,
                            run_wrk(f"http://127.0.0.1:{nginx_port}/{page}.html", **wrk),
                        )
                        figures.add(mode, page, run_wrk(server.base + path, **wrk))
                        drain(server.base)
            finally:
                server.stop()
        load = (load_before, os.getloadavg()[0])
        report = render(args, figures, modes, pages, cacheable, single, database, generated, load)
        print(report)
        if not args.no_docs:
            write_docs(report, database)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for cleanup in reversed(cleanups):
            cleanup()


def drain(base: str, seconds: float = 120) -> None:
    """Wait until the server has worked off what an overloaded run left queued (granian finishes requests
    whose clients wrk already dropped), so that the next run does not start behind them."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            fetch(base + "/robots.txt")
        if time.monotonic() - started < 0.25:
            return
        time.sleep(0.5)


def discover_pages(base: str, article_path: str | None) -> dict[str, str]:
    if article_path:
        return {"home": "/", "article": article_path}
    html = fetch(base + "/")[0].decode("utf-8", "replace")
    match = ARTICLE_LINK.search(html)
    if not match:
        sys.exit("bench.serve: found no /article/ link on the home page; pass --article-path")
    return {"home": "/", "article": match.group(1)}


def probe_cache(url: str) -> bool:
    fetch(url)
    return fetch(url)[1].get("X-Page-Cache") == "HIT"


def render(args, figures: Figures, modes, pages, cacheable, single, database, generated, load) -> str:
    lines = [
        f"Measured by `python -m bench.serve` ({database}, {args.articles:,} generated articles, "
        f"generated in {generated:.0f} s). wrk: {args.connections} connections, {args.threads} threads, "
        f"{args.seconds} s per run, median of {args.runs} runs. nginx serves the same HTML bytes as static "
        "files, measured in the same run, alternating with us. Server: `newsdesk run` (granian RSGI, "
        f"Django's WSGI app on its thread pool, one worker). Machine: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; wrk, nginx and the server share the cores. Load average (1 min) "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end (the benchmark's own wrk, nginx and server "
        "raise it; a start well above 1 means other work competed and the figures are low).",
        "",
        "| page | contender | requests/s | p50 ms | p99 ms | nginx requests/s | ratio to nginx"
        " | errors (timeouts) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page, path in pages.items():
        for mode in modes:
            ours, anchor = figures.rps(mode, page), figures.rps(f"nginx|{mode}", page)
            errors = figures.errors(mode, page)
            timeouts = sum(r.timeouts for r in figures.runs[(mode, page)])
            lines.append(
                f"| {page} (`{path}`) | {mode} | {ours:,.0f} | {figures.p50(mode, page):.1f} | "
                f"{figures.p99(mode, page):.1f} | {anchor:,.0f} | {ours / anchor:.3f}× "
                f"| {errors} ({timeouts}) |"
            )
    lines.append("")
    if "uncached" in modes:
        p99 = figures.p99("uncached", "article")
        verdict = "met" if p99 <= 50 else "not met"
        nan = float("nan")
        lines.append(
            f"- Target 1, uncached article page p99 ≤ 50 ms at {args.connections} connections: "
            f"**{p99:.1f} ms, {verdict}**. With one connection (one request at a time, no queueing) "
            f"its p99 is {single.get('article', nan):.1f} ms (home: {single.get('home', nan):.1f} ms). "
            "(∞: some requests took longer than wrk's 2 s timeout.)"
        )
    if "page cache" in modes:
        worst = min(figures.rps("page cache", p) / figures.rps("nginx|page cache", p) for p in pages)
        verdict = "met" if worst >= 0.20 else "not met"
        hit = (
            "pages were served from the cache" if cacheable.get("page cache") else "PAGES WERE NOT CACHEABLE"
        )
        lines.append(
            f"- Target 2, cached pages ≥ 0.20× nginx's requests per second: "
            f"**{worst:.3f}× at worst, {verdict}** ({hit})."
        )
    if "page cache" in modes and "Django cache middleware" in modes:
        for page in pages:
            ours, django = figures.rps("page cache", page), figures.rps("Django cache middleware", page)
            lines.append(
                f"- {page}: our WSGI page cache {ours:,.0f} req/s, Django's cache middleware "
                f"{django:,.0f} req/s ({ours / django:.1f}×)."
            )
    return "\n".join(lines)


def write_docs(report: str, database: str) -> None:
    """Replace this database's block in the "Serving" section of docs/benchmarks.md (or add it)."""
    start, end = f"<!-- bench.serve:{database}:start -->", f"<!-- bench.serve:{database}:end -->"
    block = f"{start}\n### Serving ({database})\n\n{report}\n{end}"
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    if "## Serving" not in text:
        text = text.rstrip() + "\n\n## Serving\n\n" + SERVING_INTRO + "\n"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        head, _, tail = text.partition("## Serving")
        next_section = tail.find("\n## ")
        section = tail if next_section < 0 else tail[:next_section]
        rest = "" if next_section < 0 else tail[next_section:]
        text = head + "## Serving" + section.rstrip() + "\n\n" + block + "\n" + rest
    DOCS.write_text(text.rstrip() + "\n")
    print(f"\nWrote {DOCS.relative_to(ROOT)}.", file=sys.stderr)


SERVING_INTRO = (
    "The site under load: `python -m bench.serve` (see `bench/serve/`). The targets: an "
    "uncached article page's p99 latency at most 50 ms, and cached pages at least 0.20× the requests per "
    "second of nginx serving the same bytes as a static file, measured in the same run. The page cache "
    "is the small WSGI cache in `newsdesk/core/pagecache.py` (docs/decisions/0007-page-cache.md); "
    '"Django cache middleware" is Django\'s per-site cache on a local-memory cache, measured for that '
    "decision."
)


if __name__ == "__main__":
    main()
