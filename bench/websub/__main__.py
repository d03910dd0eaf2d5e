"""`python -m bench.websub`: the latency from a push at the hub to the Live News event.

`newsdesk run` (web server, worker and scheduler, tasks queued in the database, the embedded
defaults) against a fresh SQLite database in a temporary directory, or PostgreSQL with --postgres.
An outlet and our WebSub hub (newsdesk_demo.hub) run in this process on loopback; the first poll
subscribes. Then, --pushes times: the outlet publishes a story (its feed holds the 20 newest), the
hub pushes the feed to the callback, and a reader on /live/stream waits for the story's event. The
time from the push's start to the event's arrival is reported as p50, p99 and max. Pushes are one at
a time, each after a random pause of up to a second. Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from newsdesk_demo.hub import HubServer

FEED_ITEMS = 20
STREETS = ("Quay Street", "Mill Lane", "Harbour Row", "Chapel Hill", "Ropewalk", "Tanner's Yard")
THINGS = ("bakery", "boatyard", "bookshop", "bus shelter", "playground", "tide gauge", "ferry ramp")


def story(n: int) -> tuple[str, str]:
    """Our own words: a headline and a paragraph for story n."""
    thing, street = THINGS[n % len(THINGS)], STREETS[n % len(STREETS)]
    title = f"New {thing} on {street} opens, number {n}"
    text = (
        f"The {thing} on {street} opened on the morning of day {n}, after months of work by neighbours. "
        f"Visitors queued before eight, and the council said it would count how many came in the first week."
    )
    return title, text


class Outlet:
    """/feed.xml (RSS naming the hub and itself) with the newest stories, and /story/N pages."""

    def __init__(self, hub_url: str) -> None:
        self.hub_url = hub_url
        self.released: list[tuple[int, datetime]] = []
        outlet = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path == "/feed.xml":
                    body, kind = outlet.feed(), "application/rss+xml; charset=utf-8"
                elif self.path.startswith("/story/") and self.path[7:].isdigit():
                    body, kind = outlet.page(int(self.path[7:])), "text/html; charset=utf-8"
                else:
                    body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def feed_url(self) -> str:
        return self.base + "/feed.xml"

    def release(self, n: int) -> str:
        self.released.append((n, datetime.now(UTC).replace(microsecond=0)))
        return story(n)[0]

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{escape(story(n)[0])}</title><link>{self.base}/story/{n}</link><guid>s{n}</guid>"
            f"<pubDate>{format_datetime(at)}</pubDate><description>{escape(story(n)[1])}</description></item>"
            for n, at in reversed(self.released[-FEED_ITEMS:])
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
            f"<channel><title>Bench Outlet</title><link>{self.base}/</link><description>Bench</description>"
            f'<atom:link rel="hub" href="{self.hub_url}"/><atom:link rel="self" href="{self.feed_url}"/>'
            f"{items}</channel></rss>"
        ).encode()

    def page(self, n: int) -> bytes:
        title, text = story(n)
        return (
            f"<!doctype html><html lang='en'><head><title>{escape(title)}</title></head><body><main><article>"
            f"<h1>{escape(title)}</h1>" + f"<p>{escape(text)}</p>" * 4 + "</article></main></body></html>"
        ).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def read_events(url: str, into: queue.Queue[tuple[str, float]], stop: threading.Event) -> None:
    with httpx.stream("GET", url, timeout=httpx.Timeout(5, read=None)) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                into.put((json.loads(line[5:])["title"], time.perf_counter()))
            if stop.is_set():
                return


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.websub", description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=100)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="newsdesk-bench-websub-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    os.environ.update(
        NEWSDESK_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings.base",
        NEWSDESK_SECRET_KEY="bench-only", NEWSDESK_ALLOW_PRIVATE_NETWORKS="1",  # noqa: S106
        NEWSDESK_SITE_URL=base, NEWSDESK_SCHEDULER_TICK="1", NEWSDESK_LOG_LEVEL="WARNING",
    )  # fmt: skip
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    from newsdesk.cli.common import database

    database()
    from newsdesk.sources.actions import do_add_source
    from newsdesk.websub.models import Subscription

    with HubServer() as hub_server:
        hub = hub_server.hub
        outlet = Outlet(hub.url)
        outlet.release(0)
        do_add_source(outlet.feed_url, name="Bench Outlet")
        run = subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "run", "--port", str(port)], start_new_session=True
        )
        stop = threading.Event()
        try:
            if not hub.wait_for(lambda h: h.subscriber(outlet.feed_url) is not None, timeout=90):
                sys.exit("bench.websub: the subscription was never verified")
            while not Subscription.objects.filter(state=Subscription.ACTIVE).exists():
                time.sleep(0.1)
            events: queue.Queue[tuple[str, float]] = queue.Queue()
            threading.Thread(
                target=read_events, args=(base + "/live/stream", events, stop), daemon=True
            ).start()
            time.sleep(1.0)
            latencies = []
            pause = random.Random(13)
            for n in range(1, args.pushes + 1):
                # Pushes come at moments unrelated to the worker's polling, as real ones do.
                time.sleep(pause.uniform(0, 1))
                title = outlet.release(n)
                started = time.perf_counter()
                statuses = hub.publish(outlet.feed_url, outlet.feed(), "application/rss+xml; charset=utf-8")
                assert statuses == [202], statuses
                while True:
                    got, at = events.get(timeout=30)
                    if got == title:
                        latencies.append(at - started)
                        break
        finally:
            stop.set()
            os.killpg(run.pid, signal.SIGINT)
            run.wait(timeout=30)

    database_name = "PostgreSQL" if args.postgres else "SQLite"
    load = os.getloadavg()
    print(f"### WebSub: push to Live News ({database_name}, {args.pushes} pushes)\n")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; load average before "
          f"the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min)\n")  # fmt: skip
    print("| p50 | p99 | max |\n|---|---|---|")
    ms = [x * 1000 for x in latencies]
    print(f"| {percentile(ms, 50):.0f} ms | {percentile(ms, 99):.0f} ms | {max(ms):.0f} ms |")


if __name__ == "__main__":
    main()
