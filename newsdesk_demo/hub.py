"""A small WebSub hub (the W3C Recommendation, hub side), for the demo outlets and the tests.

It takes subscribe and unsubscribe requests (a form POST), answers 202 and verifies intent from a
background thread (a GET to the callback with a challenge, retried while the subscriber is not up
yet), and distributes content: `publish(topic, body)` POSTs the body to every verified subscriber
of the topic, signed with its secret (X-Hub-Signature), with Link headers naming the hub and topic.

The demo server answers its /hub/ path with a Hub; `HubServer` serves one on its own port. Tests may
change its behaviour through the attributes documented on `Hub`. Outgoing requests use httpx.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx

log = logging.getLogger(__name__)
MAX_REQUEST = 65_536  # bytes of a subscription request read


@dataclass
class Subscriber:
    callback: str
    topic: str
    secret: str
    lease_seconds: int
    verified_at: float


@dataclass
class Verification:
    mode: str
    callback: str
    topic: str
    status: int  # the subscriber's answer; 0 when it could not be reached
    confirmed: bool  # it echoed the challenge


@dataclass
class Hub:
    """The hub's state. `url` is set by whoever serves it.

    For tests: `refuse` answers every request with that status instead of 202; `verify` False accepts
    requests without ever verifying them; `method` signs pushes (None: unsigned); `lease_seconds`
    grants that lease whatever was asked (None: what was asked, or a day).
    """

    url: str = ""
    refuse: int | None = None
    verify: bool = True
    method: str | None = "sha256"
    lease_seconds: int | None = None
    verify_attempts: int = 20  # the subscriber's web server may still be starting (the demo)
    verify_retry: float = 0.5
    subscribers: dict[tuple[str, str], Subscriber] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    verifications: list[Verification] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    # ---- requests ------------------------------------------------------------------------------
    def handle(self, body: bytes) -> tuple[int, str]:
        """A subscription request (form-encoded): (status, text) to answer with."""
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        mode, topic, callback = (
            form.get("hub.mode", ""),
            form.get("hub.topic", ""),
            form.get("hub.callback", ""),
        )
        with self._changed:
            self.requests.append(form)
            self._changed.notify_all()
        if mode not in ("subscribe", "unsubscribe"):
            return 400, "hub.mode must be subscribe or unsubscribe.\n"
        if not _web_url(topic) or not _web_url(callback):
            return 400, "hub.topic and hub.callback must be http(s) URLs.\n"
        if len(form.get("hub.secret", "").encode()) >= 200:
            return 400, "hub.secret must be shorter than 200 bytes.\n"
        if self.refuse is not None:
            return self.refuse, "This hub does not take the request.\n"
        if self.verify:
            threading.Thread(target=self._verify, args=(form,), name="hub-verify", daemon=True).start()
        return 202, ""

    def _verify(self, form: dict[str, str]) -> None:
        mode, topic, callback = form["hub.mode"], form["hub.topic"], form["hub.callback"]
        asked = form.get("hub.lease_seconds", "")
        lease = self.lease_seconds or (int(asked) if asked.isdigit() else 86400)
        challenge = hmac.new(
            b"challenge", f"{time.monotonic()}{callback}".encode(), hashlib.sha256
        ).hexdigest()
        params = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
        if mode == "subscribe":
            params["hub.lease_seconds"] = str(lease)
        status, text = 0, ""
        for _ in range(self.verify_attempts):
            try:
                answer = httpx.get(callback, params=params, timeout=10)
            except httpx.TransportError:
                time.sleep(self.verify_retry)
                continue
            status, text = answer.status_code, answer.text
            break
        confirmed = 200 <= status < 300 and text == challenge
        with self._changed:
            if confirmed and mode == "subscribe":
                self.subscribers[(topic, callback)] = Subscriber(
                    callback, topic, form.get("hub.secret", ""), lease, time.monotonic()
                )
            elif confirmed:
                self.subscribers.pop((topic, callback), None)
            self.verifications.append(Verification(mode, callback, topic, status, confirmed))
            self._changed.notify_all()

    def deny(self, topic: str, callback: str, reason: str = "") -> int:
        """Tell a subscriber its subscription is refused (hub.mode=denied); the subscriber's status."""
        with self._changed:
            self.subscribers.pop((topic, callback), None)
        params = {"hub.mode": "denied", "hub.topic": topic, "hub.reason": reason}
        return httpx.get(callback, params=params, timeout=10).status_code

    # ---- content distribution ------------------------------------------------------------------
    def publish(self, topic: str, body: bytes, content_type: str) -> list[int]:
        """POST `body` to every subscriber of `topic`; their statuses (0: not reached)."""
        with self._changed:
            targets = [s for s in self.subscribers.values() if s.topic == topic]
        return [self.deliver(s, body, content_type) for s in targets]

    def deliver(
        self, subscriber: Subscriber, body: bytes, content_type: str, signature: str | None = None
    ) -> int:
        headers = {
            "Content-Type": content_type,
            "Link": f'<{self.url}>; rel="hub", <{subscriber.topic}>; rel="self"',
        }
        if signature is not None:
            headers["X-Hub-Signature"] = signature
        elif self.method and subscriber.secret:
            digest = hmac.new(subscriber.secret.encode(), body, getattr(hashlib, self.method)).hexdigest()
            headers["X-Hub-Signature"] = f"{self.method}={digest}"
        try:
            return httpx.post(subscriber.callback, content=body, headers=headers, timeout=10).status_code
        except httpx.TransportError:
            log.info("The subscriber at %s could not be reached", subscriber.callback)
            return 0

    # ---- for tests and the demo ----------------------------------------------------------------
    def wait_for(self, condition: Callable[[Hub], bool], timeout: float = 10) -> bool:
        """Wait until `condition(hub)` holds (checked whenever the hub changes); False at the timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(self), timeout)

    def subscriber(self, topic: str) -> Subscriber | None:
        with self._changed:
            return next((s for s in self.subscribers.values() if s.topic == topic), None)


def _web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def read_request(handler: BaseHTTPRequestHandler) -> bytes | None:
    """The body of a request to the hub, or None when it is too large to take."""
    length = handler.headers.get("Content-Length", "0")
    if not length.isdigit() or int(length) > MAX_REQUEST:
        return None
    return handler.rfile.read(int(length))


class _HubHandler(BaseHTTPRequestHandler):
    server: _HubHTTPServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = read_request(self)
        status, text = (413, "Too large.\n") if body is None else self.server.hub.handle(body)
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("hub %s: " + format, self.address_string(), *args)


class _HubHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    hub: Hub


class HubServer:
    """A Hub on its own loopback port: `with HubServer() as server: server.hub.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, hub: Hub | None = None) -> None:
        self.hub = hub or Hub()
        self._httpd = _HubHTTPServer((host, port), _HubHandler)
        self._httpd.hub = self.hub
        self.hub.url = f"http://{host}:{self._httpd.server_address[1]}/hub/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="websub-hub", daemon=True)

    def __enter__(self) -> HubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
