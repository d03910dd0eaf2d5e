"""HTTP validators for the demo server: ETag, Last-Modified, 304 and gzip.

The demo exists partly to exercise the fetch stage's conditional GET, so these follow
RFC 9110: If-None-Match wins over If-Modified-Since, and weak comparison is used for GET.
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

COMPRESSIBLE = (
    "text/",
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "image/svg+xml",
)
GZIP_SUFFIX = "-gz"
MIN_GZIP_BYTES = 512


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def _opaque(tag: str) -> str:
    tag = tag.strip().removeprefix("W/").strip('"')
    return tag.removesuffix(GZIP_SUFFIX)


def not_modified(
    if_none_match: str | None, since: str | None, etag: str, last_modified: datetime | None
) -> bool:
    """Whether a GET with these If-None-Match and If-Modified-Since headers may be answered 304."""
    if if_none_match is not None:
        wanted = _opaque(etag)
        return any(t.strip() == "*" or _opaque(t) == wanted for t in if_none_match.split(","))
    if since is None or last_modified is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if moment.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= moment


def maybe_gzip(body: bytes, content_type: str, accept_encoding: str, etag: str) -> tuple[bytes, str, bool]:
    """Gzip the body when the client accepts it and it is worth it; returns (body, etag, gzipped)."""
    wants = any(part.split(";")[0].strip() == "gzip" for part in accept_encoding.split(","))
    if not wants or len(body) < MIN_GZIP_BYTES or not content_type.startswith(COMPRESSIBLE):
        return body, etag, False
    return gzip.compress(body, mtime=0), etag[:-1] + GZIP_SUFFIX + '"', True
