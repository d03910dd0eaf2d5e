"""`python -m bench.serve.profile`: CPU per request for every public page type, uncached, in process.

Builds (or reuses, with --data-dir) a database of N generated articles, then calls the site's WSGI
application directly (no server, no sockets) with the page cache off, as `NEWSDESK_PAGE_CACHE_SECONDS=0`
does, and measures the process's CPU time per request (time.process_time: Python, template rendering and
SQLite's own work in this process; PostgreSQL's server-side work is not in it). A cached page's CPU is
measured in the same run, through the page cache (`newsdesk.core.pagecache.PageCache`), and every page is
also given as a multiple of it. Articles are requested at distinct URLs (no two alike), as a crawler does.

    python -m bench.serve.profile --articles 100000 --data-dir /tmp/nd-100k
    python -m bench.serve.profile --data-dir /tmp/nd-100k --profile home --top 30

--profile PAGE prints cProfile's top functions (by own time and by cumulative time) for that page type.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEARCH_WORDS = "town council"
ARTICLE_PATH = re.compile(r'href="(/article/\d+-[^"]+)"')


def prepare(args: argparse.Namespace) -> None:
    data = Path(args.data_dir)
    os.environ.update(
        {
            "NEWSDESK_DATA_DIR": str(data),
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "NEWSDESK_SECRET_KEY": "bench-serve-not-secret",
            "NEWSDESK_LOG_LEVEL": "WARNING",
            "NEWSDESK_PAGE_CACHE_SECONDS": "0",
        }
    )
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("DATABASE_URL", None)
    marker = data / f".bench-generated-{args.articles}{'-pg' if args.postgres else ''}"
    if not marker.exists():
        if args.postgres:
            import psycopg

            name = args.postgres.rsplit("/", 1)[1]
            with psycopg.connect(args.postgres.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {name}")
        elif (data / "newsdesk.sqlite3").exists():
            sys.exit(f"bench.serve.profile: {data} holds another database; pick an empty --data-dir")
        data.mkdir(parents=True, exist_ok=True)
        print(f"Generating {args.articles:,} articles in {data}…", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "bench.serve.generate", str(args.articles)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            check=True,
        )
        marker.touch()


class Client:
    """Calls a WSGI application the way a server does, and returns the status and body."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def get(self, path: str) -> tuple[str, bytes]:
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_ACCEPT": "text/html",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        status: list[str] = []

        def start_response(s: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(s)
            return lambda data: None

        result = self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        return status[0], body


def page_paths(client: Client, requests: int, seed: int = 7) -> dict[str, list[str]]:
    """The URLs of each page type; articles spread over the whole archive, each requested once."""
    from newsdesk.articles.models import Article
    from newsdesk.core import links
    from newsdesk.sources.models import Source
    from newsdesk.topics.models import Topic

    ids = list(Article.objects.published().order_by().values_list("pk", flat=True))
    rng = random.Random(seed)
    picked = rng.sample(ids, min(len(ids), requests * 2 + 10))
    titles = dict(Article.objects.filter(pk__in=picked).values_list("pk", "title"))
    articles = [links.article_path(pk, titles[pk]) for pk in picked]
    topic = Topic.objects.order_by("name").first()
    source = Source.objects.order_by("pk").first()
    if topic is None or source is None:
        sys.exit("bench.serve.profile: the generated database has no topics or sources")
    from django.conf import settings

    from newsdesk.web import queries

    # Deep in the list: an old ?page=N link (OFFSET) and the keyed link the pager writes for the same page.
    deep = 500
    size = settings.NEWSDESK_SITE["PAGE_SIZE"]
    above = queries.listed()[(deep - 1) * size - 1]
    return {
        "article": articles,
        "home": ["/"],
        "home page 2": ["/?page=2"],
        f"home page {deep} (?page=)": [f"/?page={deep}"],
        f"home page {deep} (keyed)": [f"/?before={queries.key_of(above)}&page={deep}"],
        "topic": [links.topic_path(topic.slug)],
        "source": [links.source_path(source.pk, source.name)],
        "topics index": ["/topics/"],
        "sources index": ["/sources/"],
        "search": ["/search?q=" + SEARCH_WORDS.replace(" ", "+")],
        "feed latest": ["/feeds/latest.rss"],
        "feed topic": [f"/feeds/topic/{topic.slug}.atom"],
        "feed json": ["/feeds/latest.json"],
        "sitemap index": ["/sitemap.xml"],
        "sitemap articles": ["/sitemap-articles.xml"],
        "sitemap articles p50": ["/sitemap-articles.xml?p=50"],
        "sitemap news": ["/sitemap-news.xml"],
    }


def measure(client: Client, paths: list[str], requests: int, warm: int) -> tuple[list[float], int]:
    """CPU ms of each request (after `warm` untimed ones), and the body size of the last."""
    size = 0
    for i in range(warm):
        client.get(paths[i % len(paths)])
    cpu = []
    rotation = paths[warm:] if len(paths) > warm + requests else paths
    for i in range(requests):
        path = rotation[i % len(rotation)]
        started = time.process_time()
        status, body = client.get(path)
        cpu.append((time.process_time() - started) * 1000)
        if not status.startswith("200"):
            sys.exit(f"bench.serve.profile: {path} answered {status}")
        size = len(body)
    return cpu, size


def profile(client: Client, paths: list[str], requests: int, top: int) -> str:
    for path in paths[:3]:
        client.get(path)
    profiler = cProfile.Profile()
    rotation = paths[3:] or paths
    profiler.enable()
    for i in range(requests):
        client.get(rotation[i % len(rotation)])
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve.profile", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--data-dir", default="/tmp/newsdesk-bench-profile", help="kept, reused if built")
    parser.add_argument("--postgres", metavar="URL", help="a scratch PostgreSQL database (created, kept)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page type")
    parser.add_argument("--warm", type=int, default=3, help="untimed requests per page type first")
    parser.add_argument("--pages", help="comma-separated page types (default: all)")
    parser.add_argument("--profile", metavar="PAGE", help="print cProfile's top functions for this page")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    prepare(args)

    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    from newsdesk.core.pagecache import PageCache

    app = get_wsgi_application()
    client = Client(app)
    paths = page_paths(client, args.requests + args.warm)
    if args.profile:
        if args.profile not in paths:
            sys.exit(f"bench.serve.profile: no page type {args.profile!r}; one of: {', '.join(paths)}")
        print(profile(client, paths[args.profile], args.requests, args.top))
        return

    chosen = [p.strip() for p in args.pages.split(",")] if args.pages else list(paths)
    cached = Client(PageCache(app, ttl=3600, max_entries=100, stamp_path=Path(args.data_dir) / ".stamp"))
    hit_path = paths["article"][-1]
    cached.get(hit_path)
    hit_cpu, _ = measure(cached, [hit_path], max(args.requests, 200), warm=5)
    hit = statistics.median(hit_cpu)
    database = "PostgreSQL" if args.postgres else "SQLite"
    from newsdesk.articles.models import Article

    stored = Article.objects.count()
    print(
        f"CPU per request in process, page cache off ({database}, {stored:,} articles; median of "
        f"{args.requests}, after {args.warm} untimed). Cached page (article, through the page cache): "
        f"{hit:.3f} ms.\n"
    )
    print("| page | path | CPU ms (median) | p90 ms | × cached | KB |")
    print("|---|---|---|---|---|---|")
    for page in chosen:
        cpu, size = measure(client, paths[page], args.requests, args.warm)
        median = statistics.median(cpu)
        p90 = statistics.quantiles(cpu, n=10)[-1] if len(cpu) > 2 else max(cpu)
        shown = paths[page][0] if len(paths[page]) == 1 else f"{len(paths[page])} distinct articles"
        print(
            f"| {page} | `{shown}` | {median:.2f} | {p90:.2f} | {median / hit:.0f}× | {size / 1024:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
