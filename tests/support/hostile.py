"""A fault-injecting outlet server on loopback: one well-behaved feed, and a feed for every way a
hostile or broken source misbehaves, each at /<way>/feed.xml.

    with HostileServer() as hostile:
        hostile.feed_url("gzip-bomb")      # a feed that inflates to a gigabyte
        hostile.feed_url("ok")             # the control: a proper feed with two good articles
        hostile.page_faults                 # article-page misbehaviours, served under /ok-pages/

Nothing leaves this machine: every link in every feed points back at this server (or, for the SSRF
cases, at another loopback server the caller names).
"""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Callable, Iterator
from html import escape

from tests.support.loopback import (
    LoopbackServer,
    Raw,
    Reply,
    SeenRequest,
    drip,
    redirect,
    reply,
    zeros_stream,
)

GOOD_PARAGRAPHS = (
    "The harbour board has agreed to rebuild the east breakwater after winter storms opened a gap "
    "wide enough for waves to reach the fishing boats moored behind it.",
    "Engineers will place about four thousand concrete blocks along the damaged stretch, working from "
    "a barge during the calmer months between May and September.",
    "Fishing crews said the repair could not come soon enough, as two boats were holed in January when "
    "they broke from their moorings during a gale.",
)


def article_page(title: str, paragraphs: tuple[str, ...] = GOOD_PARAGRAPHS) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    )


def rss(title: str, items: list[tuple[str, str, str]], *, extra: str = "", declaration: str = "") -> str:
    """An RSS 2.0 feed of (title, link, description) items."""
    rows = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
        f"<pubDate>Mon, 04 May 2026 08:00:00 +0000</pubDate><description>{escape(d)}</description></item>"
        for t, link, d in items
    )
    head = declaration or '<?xml version="1.0" encoding="utf-8"?>'
    return (
        f'{head}\n<rss version="2.0"><channel><title>{escape(title)}</title><link>http://outlet.test/</link>'
        f"<language>en</language>{extra}{rows}</channel></rss>"
    )


class HostileServer:
    """A LoopbackServer whose routes misbehave on demand."""

    BOMB_BYTES = 256 << 20  # what a bomb inflates to, were it not stopped: 25 times the body cap

    def __init__(self) -> None:
        self.server = LoopbackServer()
        self.ways: dict[str, Callable[[], None]] = {
            "ok": self._ok,
            "gzip-bomb": lambda: self._bomb("gzip-bomb", "gzip"),
            "brotli-bomb": lambda: self._bomb("brotli-bomb", "br"),
            "deflate-bomb": lambda: self._bomb("deflate-bomb", "deflate"),
            "too-large": lambda: self._route(
                "too-large", Reply(body=_endless(), headers=(("Content-Type", "application/rss+xml"),))
            ),
            "lying-length": lambda: self._route(
                "lying-length", Reply(body=b"<rss/>", headers=(("Content-Length", str(1 << 40)),))
            ),
            "slowloris": lambda: self._route("slowloris", drip(self._ok_feed().encode() * 50, interval=0.2)),
            "slow-headers": lambda: self._route(
                "slow-headers",
                Raw([b"HTTP/1.1 200 OK\r\n", *(b"X: y\r\n" for _ in range(200))], interval=0.2),
            ),
            "silent": lambda: self._route("silent", Reply(delay=30, body=b"")),
            "redirect-loop": self._redirect_loop,
            "too-many-redirects": self._redirect_chain,
            "billion-laughs": lambda: self._route(
                "billion-laughs", reply(BILLION_LAUGHS, "application/rss+xml")
            ),
            "external-entity": self._external_entity,
            "many-items": self._many_items,
            "megabyte-title": lambda: self._route(
                "megabyte-title",
                reply(rss("Big", [("A" * 1_000_000, self.url("/mega/1"), "x")]), "application/rss+xml"),
            ),
            "invalid-utf8": self._invalid_utf8,
            "nul-bytes": self._nul_bytes,
            "not-a-feed": lambda: self._route(
                "not-a-feed", reply("<html><body>Hello</body></html>", "text/html")
            ),
            "server-error": lambda: self._route("server-error", reply("oops", status=500)),
            "nonsense": lambda: self._route("nonsense", Raw([b"SSH-2.0-OpenSSH_9.6\r\n"])),
            "hang-up": lambda: self._route("hang-up", Raw([])),
        }
        self.trap_hits: list[str] = []

    # ---- lifecycle ----

    def __enter__(self) -> HostileServer:
        self.server.__enter__()
        for install in self.ways.values():
            install()
        self.server.route("/robots.txt", reply("User-agent: *\nAllow: /\n"))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.__exit__(*exc_info)

    def url(self, path: str) -> str:
        return self.server.url(path)

    def feed_url(self, way: str) -> str:
        return self.url(f"/{way}/feed.xml")

    def _route(self, way: str, answer: Reply | Raw | Callable[[SeenRequest], Reply | Raw]) -> None:
        self.server.route(f"/{way}/feed.xml", answer)

    # ---- the well-behaved outlet ----

    def _ok_feed(self) -> str:
        return rss(
            "Harbour Times",
            [
                (
                    "Breakwater to be rebuilt after winter storms",
                    self.url("/ok-pages/1"),
                    "The east breakwater.",
                ),
                ("Harbour board elects a new chair", self.url("/ok-pages/2"), "A new chair for the board."),
            ],
        )

    def _ok(self) -> None:
        self._route("ok", reply(self._ok_feed(), "application/rss+xml"))
        self.server.route(
            "/ok-pages/1", reply(article_page("Breakwater to be rebuilt after winter storms"), "text/html")
        )
        self.server.route(
            "/ok-pages/2",
            reply(
                article_page("Harbour board elects a new chair", tuple(reversed(GOOD_PARAGRAPHS))),
                "text/html",
            ),
        )

    def _bomb(self, way: str, encoding: str) -> None:
        """Compressed once, served as chunks: the server's compression time must not be what stops it."""
        pieces = list(zeros_stream(self.BOMB_BYTES, encoding))
        headers = (("Content-Type", "application/rss+xml"), ("Content-Encoding", encoding))
        self._route(way, lambda _request: Reply(body=list(pieces), headers=headers))

    # ---- redirects ----

    def _redirect_loop(self) -> None:
        self._route("redirect-loop", redirect("/redirect-loop/b"))
        self.server.route("/redirect-loop/b", redirect("/redirect-loop/feed.xml"))

    def _redirect_chain(self) -> None:
        self._route("too-many-redirects", redirect("/chain/1"))
        for n in range(1, 20):
            self.server.route(f"/chain/{n}", redirect(f"/chain/{n + 1}"))

    # ---- XML ----

    def _external_entity(self) -> None:
        self.server.route("/trap.dtd", self._trap)
        self.server.route("/trap.txt", self._trap)
        # The item links to a page on this server that is not there: the story keeps its feed content.
        body = EXTERNAL_ENTITY.replace("TRAP", self.url("/trap")).replace("ITEM", self.url("/xxe/1"))
        self._route("external-entity", reply(body, "application/rss+xml"))

    def _trap(self, request: SeenRequest) -> Reply:
        self.trap_hits.append(request.path)
        return reply(TRAP_CONTENT, "text/plain")

    def _many_items(self) -> None:
        """100,000 items in about 9 MB, under the 10 MB fetch cap: only the parse bound can help."""
        pieces = [b'<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>']
        for start in range(0, 100_000, 1000):
            pieces.append(
                "".join(
                    f"<item><title>Item {i}</title><link>{self.url(f'/many/{i}')}</link></item>"
                    for i in range(start, start + 1000)
                ).encode()
            )
        pieces.append(b"</channel></rss>")
        headers = (("Content-Type", "application/rss+xml"),)
        self._route("many-items", lambda _request: Reply(body=list(pieces), headers=headers))

    # ---- bytes ----

    def _invalid_utf8(self) -> None:
        feed = rss("Bytes", [("Caf\x00TITLE", self.url("/ok-pages/utf8"), "d")]).encode("utf-8")
        feed = feed.replace(b"Caf\x00TITLE", b"Caf\xe9 \xff\xfe broken \xc3")  # not UTF-8, though it says so
        self._route("invalid-utf8", reply(feed, "application/rss+xml; charset=utf-8"))
        page = article_page("Caf\u00e9 opens").encode().replace(b"<h1>", b"<h1>\xff\xfe ")
        self.server.route("/ok-pages/utf8", reply(page, "text/html; charset=utf-8"))

    def _nul_bytes(self) -> None:
        feed = rss("Nul", [("Title with a NUL", self.url("/ok-pages/nul"), "Desc with a NUL")]).encode()
        feed = feed.replace(b"with a NUL", b"with a \x00NUL")
        self._route("nul-bytes", reply(feed, "application/rss+xml"))
        filler = "<p>" + "Harbour news in plain words. " * 200 + "</p>"  # the NUL comes after 4 KB
        page = article_page("Title with a NUL").replace(
            "</article>", filler + "<p>Tail \x00 text.</p></article>"
        )
        self.server.route("/ok-pages/nul", reply(page.encode(), "text/html; charset=utf-8"))


def _endless() -> Iterator[bytes]:
    """An uncompressed body that never ends, in 64 KB chunks, with no Content-Length."""
    chunk = b"<item><title>x</title></item>" * 2000
    for _ in itertools.count():
        yield chunk


TRAP_CONTENT = "TRAP-CONTENT-41"  # what reading an external entity would bring in
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "TRAP.dtd" [
 <!ENTITY secret SYSTEM "TRAP.txt">
 <!ENTITY local SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>XXE &secret; &local;</title>
<item><title>Item &secret;</title><link>ITEM</link></item></channel></rss>"""


def free_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (so a refused SSRF attempt would have nowhere to go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Counter:
    """A tiny thread-safe counter, for servers that count what reached them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def bump(self) -> None:
        with self._lock:
            self.value += 1
