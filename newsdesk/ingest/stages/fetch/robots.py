"""robots.txt for article pages: what one origin allows, and a per-origin cache.

Feeds are not subject to robots (the outlet published them for readers like us); pages are.
The decision from a robots.txt response follows RFC 9309 with one deliberate difference, so
that a host with no robots.txt server does not silence an outlet: an unreachable robots.txt (no
answer at all) counts as "allow all", like a 4xx; a 5xx counts as "disallow all" for now, and is
cached only briefly so we ask again soon.

Parsing uses protego, which follows RFC 9309 (longest match wins, `*` and `$` wildcards);
the standard library's urllib.robotparser matches rules in file order and knows no wildcards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego

ROBOTS_AGENT = "Newsdesk"


@dataclass(frozen=True)
class RobotsRules:
    """What an origin's robots.txt lets us fetch. `temporary` marks a 5xx "disallow all"."""

    parser: Protego | None = None
    allow_all: bool = True
    temporary: bool = False
    status: int | None = None

    def allows(self, url: str, agent: str = ROBOTS_AGENT) -> bool:
        """True if `url` (absolute, same origin) may be fetched by `agent`."""
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, agent))


def rules_from_response(status: int | None, body: bytes = b"") -> RobotsRules:
    """Turn a robots.txt answer into rules. `status` is None when the server was unreachable."""
    if status is None or 400 <= status < 500 or 300 <= status < 400:
        return RobotsRules(allow_all=True, status=status)
    if status >= 500:
        return RobotsRules(allow_all=False, temporary=True, status=status)
    parser = Protego.parse(body.decode("utf-8", errors="replace"))
    return RobotsRules(parser=parser, status=status)


class RobotsCache:
    """Rules per origin, loaded once per origin even when many threads ask at the same time.

    `load(origin)` fetches and judges robots.txt; it is called with that origin's lock held,
    so other threads asking about the same origin wait for the answer instead of fetching it too.
    """

    def __init__(
        self,
        load: Callable[[str], RobotsRules],
        *,
        ttl: float,
        retry_ttl: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._retry_ttl = retry_ttl
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}
        self._entries: dict[str, tuple[float, RobotsRules]] = {}

    def rules_for(self, origin: str) -> RobotsRules:
        """The cached rules for `origin` ("https://example.test:443"), loading them if stale."""
        cached = self._fresh(origin)
        if cached is not None:
            return cached
        with self._lock_for(origin):
            cached = self._fresh(origin)
            if cached is not None:
                return cached
            rules = self._load(origin)
            ttl = self._retry_ttl if rules.temporary or rules.status is None else self._ttl
            with self._lock:
                self._entries[origin] = (self._monotonic() + ttl, rules)
            return rules

    def _fresh(self, origin: str) -> RobotsRules | None:
        with self._lock:
            entry = self._entries.get(origin)
        if entry is None or entry[0] <= self._monotonic():
            return None
        return entry[1]

    def _lock_for(self, origin: str) -> threading.Lock:
        with self._lock:
            return self._origin_locks.setdefault(origin, threading.Lock())
