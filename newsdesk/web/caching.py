"""HTTP caching for public pages and feeds: Cache-Control, an ETag, and 304 answers.

Every public page is the same for every reader who only reads, so it may be kept by browsers, a CDN
or nginx for NEWSDESK_PAGE_MAX_AGE seconds (and served a little stale while revalidating). The ETag
is a hash of the body, so it is right whatever the page depends on; a conditional request whose
validator still matches is answered 304 with no body. The hash is xxHash's 128-bit XXH3, not the MD5
of Django's `set_response_etag`: the same 32 hex digits, about a hundredth of the CPU (20 µs of an
article page's 1 ms for MD5; decision 0017).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe
from django.views.decorators.http import require_safe
from xxhash import xxh3_128_hexdigest

from newsdesk.core import frame

View = Callable[..., HttpResponseBase]


@lru_cache(maxsize=16)
def _cache_control(age: int) -> str:
    """What patch_cache_control() writes on a response without the header, worked out once per age."""
    probe = HttpResponse()
    patch_cache_control(probe, public=True, max_age=age, stale_while_revalidate=age)
    return probe["Cache-Control"]


# The request headers that can turn an answer into a 304 or a 412 (Django's get_conditional_response).
_CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def make_cacheable(
    request: HttpRequest, response: HttpResponseBase, max_age: int | None = None
) -> HttpResponseBase:
    """Cache-Control and an ETag on a successful GET/HEAD answer; 304 when the client's copy is current."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.render()
    if not response.has_header("Cache-Control"):
        age = settings.NEWSDESK_SITE["PAGE_MAX_AGE"] if max_age is None else max_age
        response["Cache-Control"] = _cache_control(age)
    if not response.has_header("ETag") and isinstance(response, HttpResponse):
        set_etag(response)
    meta = request.META
    if not any(name in meta for name in _CONDITIONS):
        return response  # nothing to compare: Django's get_conditional_response would answer the page
    last_modified = (
        parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None
    )
    conditional = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=last_modified,
        response=response,  # type: ignore[arg-type]
    )
    return conditional if conditional is not None else response


def set_etag(response: HttpResponse) -> None:
    """A strong ETag from the body, as Django's `set_response_etag` writes it (none for an empty body),
    with XXH3-128 in place of MD5: a validator needs no cryptographic hash, only one that changes with
    the bytes."""
    content = response.content
    if content:
        response.headers["ETag"] = f'"{xxh3_128_hexdigest(content)}"'


def public_page(view: View) -> View:
    """A public, read-only page: GET and HEAD only, cacheable, answering conditional requests.

    The language, catalog, script prefix and URLconf are held for the whole view (newsdesk/core/frame.py), not
    only its template's render: the view's own links and keys ask for them too. The middleware has set them
    all before the view runs, and no public view changes them.

    The database connection is checked only if the page fails (`_read`), not with Django's `SELECT 1` before
    its first query."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        with frame.rendering():
            return _read(lambda: make_cacheable(request, view(request, *args, **kwargs)))

    return require_safe(wrapped)


def _read(page: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """`page()`, with the connection's health checked after a failure instead of before the first query.

    Django's CONN_HEALTH_CHECKS sends `SELECT 1` before a request's first query on a connection kept from
    an earlier request: a round trip on every PostgreSQL page. A public page only reads, and builds its whole
    answer before returning it (none streams), so it can be run again: when a database error leaves the
    kept connection unusable (the server dropped it, say), the connection is closed and the page is made
    once more on a new one, which is what the check would have done first. An error on a connection that
    still works is the page's own and is raised as before; so is any error on a connection that was checked
    or opened in this request (nothing skipped, nothing to retry), or inside a transaction (a test's,
    say: closing there is not ours to do). A page that caught a database error itself and answered anyway
    (search's "not working right now") is checked the same way, through Django's `errors_occurred`, and
    any other error (a 404) gives the check back to the error page's first query."""
    db: Any = connections[DEFAULT_DB_ALIAS]  # the stubs leave out the health check's attributes
    if db.connection is None or not db.health_check_enabled or db.health_check_done or db.in_atomic_block:
        return page()
    db.health_check_done = True  # skipped: checked below only if the page fails
    try:
        response = page()
    except DatabaseError:
        if db.in_atomic_block or (db.connection is not None and db.is_usable()):
            raise
        db.close()
        return page()
    except BaseException:
        # Not the database's error (a 404, say): the error page's queries are checked as Django would.
        db.health_check_done = False
        raise
    if db.errors_occurred and not db.in_atomic_block and (db.connection is None or not db.is_usable()):
        # The page caught the failure itself (search answers "not working right now"): that answer is
        # the dead connection's, not the page's, so the page is made once more on a new connection.
        db.close()
        return page()
    return response
