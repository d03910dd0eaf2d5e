"""Defences of the public signup form: a pseudonymous client source, and rate limits.

The client's address is never stored: consent records and rate-limit counters use a keyed hash of it
(HMAC with the site's secret key), which identifies repeat traffic without being a personal IP address
anyone can read back.

Rate limits count in Django's cache (per process with the default local-memory cache; configure a shared
CACHES backend when running several web processes).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from newsdesk.core.http import forwarded_client
from newsdesk.core.privacy import Pseudonym

from .conf import conf

WINDOW_SECONDS = 3600


def client_ip(request: HttpRequest) -> str:
    """The connection's address, or the one our trusted proxies saw (NEWSDESK_TRUSTED_PROXIES hops)."""
    return forwarded_client(
        request.META.get("REMOTE_ADDR") or "",
        request.headers.get("X-Forwarded-For", ""),
        conf().trusted_proxies,
    )


# The client's address (and, for the per-address limit, the e-mail address) as a keyed hash.
pseudonym = Pseudonym("newsdesk.newsletter.source", length=32)


def source_hash(request: HttpRequest) -> str:
    return pseudonym(client_ip(request))


def allow(bucket: str, subject: str, limit: int) -> bool:
    """Count one attempt of `subject` (already a pseudonym) in `bucket`; False once over `limit` an hour."""
    if limit <= 0:
        return True
    key = f"newsletter:{bucket}:{subject}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit
