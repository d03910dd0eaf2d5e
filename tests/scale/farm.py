# ruff: noqa: E501  (fixture prose reads better unwrapped)
"""A loopback feed farm: many small outlets on one threaded HTTP server (our own words).

/f/N.xml is outlet N's RSS feed, listing its items newest first; /a/N/J is item J's page. The farm
counts every request per path, so a test can tell that each feed was read once and each page fetched
once, and it can make one outlet's pages slow (a worker can then be killed in the middle of it).
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_FEED = re.compile(r"^/f/(\d+)\.xml$")
_PAGE = re.compile(r"^/a/(\d+)/(\d+)$")

PLACES = [
    "Alder Cove",
    "Brookmere",
    "Cinder Hill",
    "Dunmarsh",
    "Elmstead",
    "Fallow Bay",
    "Greywick",
    "Hollin Ford",
]
THINGS = [
    "ferry timetable",
    "allotment rules",
    "reading room",
    "footbridge",
    "bus shelter",
    "market hall",
    "sea wall",
    "cycle lane",
]


def title_of(outlet: int, item: int) -> str:
    return f"{PLACES[outlet % len(PLACES)]} outlet {outlet}: the {THINGS[item % len(THINGS)]} story {item}"


class Farm:
    def __init__(self, outlets: int, items: int) -> None:
        self.items = dict.fromkeys(range(outlets), items)
        self.slow: dict[int, float] = {}  # outlet -> seconds each of its pages takes
        self.hits: Counter[str] = Counter()
        self.published = datetime.now(UTC).replace(microsecond=0)
        self.lock = threading.Lock()
        farm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with farm.lock:
                    farm.hits[self.path] += 1
                status, ctype, body = farm.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(
                    BrokenPipeError, ConnectionResetError
                ):  # a worker killed mid-request
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Farm:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def feed_url(self, outlet: int) -> str:
        return f"{self.base}/f/{outlet}.xml"

    def titles(self) -> set[str]:
        return {title_of(o, j) for o, n in self.items.items() for j in range(n)}

    def feed_reads(self) -> dict[int, int]:
        return {o: self.hits[f"/f/{o}.xml"] for o in self.items}

    def page_reads(self) -> Counter[str]:
        return Counter({path: n for path, n in self.hits.items() if path.startswith("/a/")})

    def answer(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        if match := _FEED.match(path):
            outlet = int(match.group(1))
            if outlet in self.items:
                return 200, "application/rss+xml; charset=utf-8", self.feed(outlet)
        if match := _PAGE.match(path):
            outlet, item = int(match.group(1)), int(match.group(2))
            if outlet in self.items and item < self.items[outlet]:
                time.sleep(self.slow.get(outlet, 0.0))
                return 200, "text/html; charset=utf-8", self.page(outlet, item)
        return 404, "text/plain", b"not here"

    def feed(self, outlet: int) -> bytes:
        when = format_datetime(self.published)
        items = "".join(
            f"<item><title>{title_of(outlet, j)}</title><link>{self.base}/a/{outlet}/{j}</link>"
            f"<guid>farm-{outlet}-{j}</guid><pubDate>{when}</pubDate>"
            f"<description>What changed with the {THINGS[j % len(THINGS)]} in {PLACES[outlet % len(PLACES)]}.</description></item>"
            for j in reversed(range(self.items[outlet]))
        )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Farm outlet {outlet}</title>'
            f"<link>{self.base}/</link><description>Outlet {outlet} of the farm</description>{items}</channel></rss>"
        ).encode()

    def page(self, outlet: int, item: int) -> bytes:
        title = title_of(outlet, item)
        place, thing = PLACES[outlet % len(PLACES)], THINGS[item % len(THINGS)]
        paragraphs = "".join(
            f"<p>{sentence}</p>"
            for sentence in (
                f"Residents of {place} heard on Tuesday what will change with the {thing}, after a long meeting at the town hall.",
                f"The council said the work on the {thing} would start in the spring and take about six weeks, weather allowing.",
                "Neighbours asked for a notice board with the dates, and for the noisy work to stop before seven in the evening.",
                f"Number {item} of outlet {outlet}: a report kept short on purpose, so that a page costs little to read.",
            )
        )
        return (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><main><article><h1>{title}</h1><p class="byline">By Tove Arne</p>{paragraphs}</article></main></body></html>'
        ).encode()
