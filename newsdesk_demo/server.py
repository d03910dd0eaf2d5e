"""A local HTTP server for the demo outlets, so `make run` shows a populated site offline.

http.server in a background thread. It binds to loopback by default and serves whatever
routes.py answers, adding the validators and compression a real news site would send, so the
fetch stage's conditional GET and decoding get exercised. It is also the outlets' WebSub hub
(POST /hub/, newsdesk_demo/hub.py): with a drip, each release is pushed to the subscribers of
its outlet's feed from another thread, the moment it is published.
"""

from __future__ import annotations

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from newsdesk.core.clock import Clock, utcnow
from newsdesk.core.errors import NewsdeskError
from newsdesk_demo.conditional import etag_for, http_date, maybe_gzip, not_modified
from newsdesk_demo.content import load_outlets
from newsdesk_demo.feeds import render_feed
from newsdesk_demo.hub import Hub, read_request
from newsdesk_demo.outlets import demo_feeds
from newsdesk_demo.routes import Response, route
from newsdesk_demo.site import Site
from newsdesk_demo.timeline import Timeline

log = logging.getLogger(__name__)


class DemoError(NewsdeskError):
    """The demo server cannot do what was asked (bad option, port taken, not started)."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    site: Site
    clock: Clock
    page_max_age: int
    hub: Hub


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would add 40 ms
    server_version = "NewsdeskDemo/1.0"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        if self.path == "/hub/":
            request = read_request(self)
            status, text = (413, "Too large.\n") if request is None else self.server.hub.handle(request)
            self.send_response(status)
            self._send_body(text.encode(), "text/plain; charset=utf-8", send_body=True)
            return
        # The body is left unread, so the connection cannot carry another request. Saying so in a
        # header (which also sets close_connection) keeps a client from reusing it.
        body = b"This demo site accepts no submissions.\n"
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Connection", "close")
        self._send_body(body, "text/plain; charset=utf-8", send_body=True)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("demo %s: " + format, self.address_string(), *args)

    def _answer(self, send_body: bool) -> None:
        try:
            response = route(self.server.site, self.path, self.server.clock(), self.server.page_max_age)
        except Exception:
            log.exception("The demo server failed to answer %s", self.path)
            self.send_response(500)
            self._send_body(b"The demo server hit a bug.\n", "text/plain; charset=utf-8", send_body)
            return
        self._send(response, send_body)

    def _send(self, response: Response, send_body: bool) -> None:
        if response.location:
            self.send_response(response.status)
            self.send_header("Location", response.location)
            self._send_body(b"", response.content_type, send_body)
            return
        etag = etag_for(response.body)
        body, etag, gzipped = maybe_gzip(
            response.body, response.content_type, self.headers.get("Accept-Encoding", ""), etag
        )
        ok = response.status == 200
        validators = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        fresh = ok and not_modified(*validators, etag, response.last_modified)
        self.send_response(304 if fresh else response.status)
        if ok:
            self.send_header("ETag", etag)
            if response.last_modified:
                self.send_header("Last-Modified", http_date(response.last_modified))
            age = response.max_age
            self.send_header("Cache-Control", f"public, max-age={age}" if age else "no-cache")
            self.send_header("Vary", "Accept-Encoding")
        if gzipped and not fresh:
            self.send_header("Content-Encoding", "gzip")
        if fresh:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send_body(body, response.content_type, send_body)

    def _send_body(self, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


class DemoServer:
    """The demo outlets on http://host:port/, served from a background thread.

    Published times are relative to `start()`. With `drip_seconds`, one held-back story is
    released every that many seconds, so the Live News stream has something to show.
    `clock` is injectable so tests can decide what time it is.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        drip_seconds: float | None = None,
        *,
        clock: Clock = utcnow,
    ) -> None:
        if drip_seconds is not None and not drip_seconds > 0:
            raise DemoError(f"The drip interval must be a positive number of seconds, not {drip_seconds!r}.")
        self.host = host
        self.port = port
        self.drip_seconds = drip_seconds
        self.clock = clock
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._pusher: threading.Thread | None = None
        self._stopping = threading.Event()
        self.hub = Hub()

    def start(self) -> DemoServer:
        if self._httpd is not None:
            raise DemoError("The demo server is already running.")
        httpd = self._bind()
        httpd.page_max_age = self._page_max_age()
        httpd.clock = self.clock
        outlets = load_outlets()
        httpd.site = Site(outlets, Timeline(outlets, self.clock(), self.drip_seconds), self._base(httpd))
        self.hub.url = httpd.site.hub_url
        httpd.hub = self.hub
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="newsdesk-demo", daemon=True
        )
        self._thread.start()
        if self.drip_seconds:
            self._stopping.clear()
            self._pusher = threading.Thread(
                target=self._push_releases, args=(httpd.site,), name="newsdesk-demo-push", daemon=True
            )
            self._pusher.start()
        return self

    def _push_releases(self, site: Site) -> None:
        """Push each drip release to the subscribers of its outlet's feed, as it is published."""
        timeline = site.timeline
        drip = self.drip_seconds or 0
        pushed = timeline.released(self.clock())
        while pushed < len(timeline.held):
            due = timeline.start.timestamp() + (pushed + 1) * drip
            if self._stopping.wait(min(1.0, max(0.0, due - self.clock().timestamp()))):
                return
            now = self.clock()
            while pushed < timeline.released(now):
                outlet = site.outlet_of(timeline.held[pushed])
                pushed += 1
                body = render_feed(site, outlet, now)
                topic = site.absolute(outlet.feed_path)
                try:
                    self.hub.publish(topic, body, outlet.feed_type + "; charset=utf-8")
                except Exception:  # the demo goes on; the next poll brings the story anyway
                    log.exception("The demo hub could not push %s", topic)

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()
        if self._pusher is not None:
            self._pusher.join(timeout=15)
            self._pusher = None
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise DemoError("The demo server has not been started.")
        return self._httpd.site.base_url

    def feeds(self) -> list[tuple[str, str]]:
        """(outlet name, feed URL) for each outlet on this server."""
        return demo_feeds(self.base_url)

    def __enter__(self) -> DemoServer:
        return self.start() if self._httpd is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _bind(self) -> _HTTPServer:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        server_class = type("_DemoHTTPServer", (_HTTPServer,), {"address_family": family})
        try:
            return server_class((self.host, self.port), _Handler)
        except OSError as exc:
            raise DemoError(
                f"The demo server cannot listen on {self.host}:{self.port}: {exc.strerror or exc}."
            ) from exc

    def _page_max_age(self) -> int:
        """Short enough that a fetcher honouring max-age still sees each drip release promptly."""
        if self.drip_seconds is None:
            return 60
        return max(1, min(60, int(self.drip_seconds)))

    def _base(self, httpd: _HTTPServer) -> str:
        port = httpd.server_address[1]
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)  # noqa: S104
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
