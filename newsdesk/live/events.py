"""The stream's wire format and filters. Pure: no Django, no I/O.

An event on the wire (https://html.spec.whatwg.org/multipage/server-sent-events.html):

    id: 42
    data: {"id": 7, "title": "…", …}

Later coverage of a story already announced goes as `event: story` with the story's id and its new
count of outlets, so the browser updates that headline in place instead of adding another.

The `id:` is the event log's cursor. A block with only an `id:` line sets the browser's
Last-Event-ID without firing an event; the stream opens with one, so a client that reconnects
resumes exactly where it was even if nothing arrived in between.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Comments (lines starting with ":") are ignored by clients; they keep proxies and NATs awake.
HEARTBEAT = b": keep-alive\n\n"
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
_CURSOR = re.compile(r"^[0-9]{1,18}$")


@dataclass(frozen=True, slots=True)
class Event:
    """An event as the hub holds it: the cursor, the JSON text, and what the filters look at."""

    id: int
    data: str
    source_id: int
    topic_keys: str  # ",slug,slug,"
    kind: str = ""  # the SSE event type; "" is the default ("message")
    packet: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Encoded once here, then written to every reader as is (a thousand readers, one encoding).
        object.__setattr__(self, "packet", frame(self.id, self.data, self.kind))

    def wire(self) -> bytes:
        return self.packet


def frame(event_id: int, data: str, kind: str = "") -> bytes:
    """One SSE message. The JSON is one line (json.dumps escapes newlines), so one `data:` line.
    A `kind` becomes the `event:` line (a story's count update is `event: story`)."""
    if "\n" in data or "\r" in data:
        data = data.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\ndata: ")
    event = f"event: {kind}\n" if kind and _SLUG.match(kind) else ""
    return f"id: {event_id}\n{event}data: {data}\n\n".encode()


def cursor_only(event_id: int) -> bytes:
    """Sets the client's Last-Event-ID to `event_id` and fires nothing."""
    return f"id: {event_id}\n\n".encode()


def retry(milliseconds: int) -> bytes:
    """How long a client waits before it reconnects (EventSource's default is about 3 seconds)."""
    return f"retry: {milliseconds}\n\n".encode()


def topic_keys(slugs: list[str] | tuple[str, ...]) -> str:
    return f",{','.join(slugs)}," if slugs else ""


def parse_cursor(text: str | None) -> int | None:
    """A Last-Event-ID or `since` value: a non-negative whole number, or None (absent or garbage)."""
    if text is None:
        return None
    text = text.strip()
    return int(text) if _CURSOR.match(text) else None


class BadFilter(ValueError):
    """A filter a client sent that cannot mean anything; the message is shown to them."""


@dataclass(frozen=True, slots=True)
class Filters:
    """`?topic=slug` and `?source=id`; both may be given (an event must match both)."""

    topic: str | None = None
    source: int | None = None

    @classmethod
    def parse(cls, topic: str | None, source: str | None) -> Filters:
        if topic is not None and topic != "" and not _SLUG.match(topic):
            raise BadFilter("topic must be a topic's slug, like ?topic=science")
        if source is not None and source != "" and not _CURSOR.match(source):
            raise BadFilter("source must be a source's id, like ?source=3")
        return cls(topic=topic or None, source=int(source) if source else None)

    def matches(self, event: Event) -> bool:
        if self.source is not None and event.source_id != self.source:
            return False
        return self.topic is None or f",{self.topic}," in event.topic_keys

    @property
    def empty(self) -> bool:
        return self.topic is None and self.source is None
