"""The embedded default: no message at all. Each web process reads the event table every
NEWSDESK_LIVE["POLL_MS"] milliseconds (an indexed `id > cursor` lookup: microseconds on SQLite), so a
`newsdesk fetch` started in another process reaches the readers of `newsdesk run` within one poll.
The cost and the delay are measured in bench/live (docs/decisions/0015-live-news-serving.md)."""

from __future__ import annotations

from typing import Any

from . import Transport


class DatabaseTransport(Transport):
    def __init__(self, options: dict[str, Any]) -> None:
        self.poll_seconds = max(0.02, options["POLL_MS"] / 1000)
