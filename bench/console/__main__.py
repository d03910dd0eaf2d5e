"""`python -m bench.console`: the CPU it takes to render the operator console for a staff member, at
100,000 articles and 2,000 sources (both parameters), beside the admin's own list of sources (the anchor:
the page an operator had before, 100 sources a page, no figures) on the same data in the same run.

A temporary SQLite database in this process (so CPU time is the whole cost, queries included); requests
go straight into Django's WSGI handler with a logged-in staff session. The two pages take turns in every
round; medians of CPU milliseconds per request, and wall milliseconds, are printed with their ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO

os.environ["NEWSDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="newsdesk-bench-console-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ.pop("DATABASE_URL", None)


def environ(path: str, query: str, cookie: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(b""), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_ACCEPT": "text/html", "HTTP_COOKIE": cookie,
    }  # fmt: skip


def timed(
    app: Callable, url: str, cookie: str, requests: int, before: Callable[[], None] | None = None
) -> tuple[float, float]:
    """CPU and wall milliseconds per request, the body read in full; `before` runs before each (timed)."""
    path, _, query = url.partition("?")

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        if not status.startswith("200"):
            raise SystemExit(f"{url} answered {status}")

    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        if before is not None:
            before()
        b"".join(app(environ(path, query, cookie), start_response))
    return (time.process_time() - cpu) / requests * 1e3, (time.perf_counter() - wall) / requests * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=__doc__)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=5, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=9, help="rounds; medians are reported")
    args = parser.parse_args()

    import django

    django.setup()
    from datetime import UTC, datetime

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.test import Client

    from bench.console.seed import seed

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed(sources=args.sources, articles=args.articles, now=datetime.now(UTC))
    staff = User.objects.create_user("bench", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)  # a session as a login makes one (without the login form's lockout)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    print(f"seeded {args.sources} sources, {args.articles} articles in {time.perf_counter() - began:.0f} s")

    app = WSGIHandler()
    from newsdesk.console import source_table

    pages = {
        "console (24 h)": "/admin/console/",
        "console (30 d, sorted by median fetch)": "/admin/console/?window=30d&sort=-median",
    }
    # Every sort order of the sources table, on the default (24-hour) page.
    for key in ("name", "state", "last_fetch", "next_check", "success", "median", "share_304", "articles",
                "websub"):  # fmt: skip
        pages[f"console, sorted by {key}"] = f"/admin/console/?sort={key}"
    pages["console, sorted by -success (page 20)"] = "/admin/console/?sort=-success&page=20"
    pages["anchor: admin list of sources"] = "/admin/sources/source/"
    before: dict[str, Callable[[], None]] = {}
    remembered = getattr(source_table, "_closed_days", None)
    if remembered is not None:
        # "cold": the closed days' sums are forgotten before every request (a process's first view of
        # the day); only where the console remembers them.
        pages = {"console (sorted by success, cold)": "/admin/console/?sort=success", **pages}
        before["console (sorted by success, cold)"] = remembered.clear
    for url in pages.values():  # warm up: templates compiled, connection open
        timed(app, url, cookie, 2)
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    wall: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.rounds):
        for name, url in pages.items():
            c, w = timed(app, url, cookie, args.requests, before.get(name))
            cpu[name].append(c)
            wall[name].append(w)

    anchor = statistics.median(cpu["anchor: admin list of sources"])
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores "
        f"(shared with other jobs); {args.rounds} rounds x {args.requests} requests"
    )
    print(f"{'page':44} {'CPU ms':>8} {'wall ms':>8} {'CPU / anchor':>13}")
    for name in pages:
        c, w = statistics.median(cpu[name]), statistics.median(wall[name])
        print(f"{name:44} {c:8.1f} {w:8.1f} {c / anchor:13.2f}")
    worst = max(statistics.median(cpu[n]) for n in pages if n.startswith("console"))
    verdict = "ok" if worst < 50 else "OVER"
    print(f"budget: 50 ms of CPU per render; worst console page {worst:.1f} ms -> {verdict}")


if __name__ == "__main__":
    main()
