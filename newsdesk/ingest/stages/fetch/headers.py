"""HTTP headers, both ways: what we send (Accept, validators) and what we read (Retry-After,
Cache-Control, Content-Type, the status)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from http import HTTPStatus

from newsdesk.types import FetchError, Validators

ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.8",
    "robots": "text/plain, */*;q=0.8",
}
PERMANENT_STATUSES = frozenset({404, 410})


def parse_retry_after(value: str | None, now: datetime) -> int | None:
    """Retry-After as seconds from `now`: either delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - now).total_seconds()))


def parse_max_age(cache_control: str | None) -> int | None:
    """The max-age directive of a Cache-Control header, in seconds."""
    for directive in (cache_control or "").split(","):
        name, _, value = directive.strip().partition("=")
        value = value.strip().strip('"')
        if name.strip().lower() == "max-age" and value.isascii() and value.isdigit():
            return int(value)
    return None


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(media type in lower case, charset) from a Content-Type header."""
    if not value:
        return None, None
    media_type = value.split(";", 1)[0].strip().lower()
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    return (media_type if "/" in media_type else None), (charset if isinstance(charset, str) else None)


def status_error(status: int, retry_after: int | None) -> FetchError:
    try:
        sentence = f"The server answered {status} {HTTPStatus(status).phrase}."
    except ValueError:
        sentence = f"The server answered with status {status}."
    return FetchError(
        sentence, status=status, retry_after=retry_after, permanent=status in PERMANENT_STATUSES
    )


def request_headers(validators: Validators | None, kind: str) -> dict[str, str]:
    headers = {"Accept": ACCEPT[kind], "Accept-Encoding": "gzip, deflate, br"}
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def new_validators(headers: dict[str, str], previous: Validators | None) -> Validators:
    """The validators to send next time; a 304 may omit them, then the old ones still hold."""
    old = previous or Validators()
    return Validators(
        etag=headers.get("etag") or old.etag,
        last_modified=headers.get("last-modified") or old.last_modified,
    )
