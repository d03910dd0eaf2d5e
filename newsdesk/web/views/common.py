"""Small things every public view needs: reading the page number or the list position, and the page size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from newsdesk.web import queries

MAX_PAGE = 10_000


def page_number(request: HttpRequest) -> int:
    """?page=N, a whole number from 1; anything else is a page that does not exist (404)."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise Http404("No such page.")
    return int(raw)


def list_window(
    request: HttpRequest,
    queryset: Callable[[], QuerySet[Any]],
    first: Callable[[int], list[Any]] | None = None,
    older: Callable[[queries.Key, int], list[Any]] | None = None,
) -> queries.Window:
    """The page of a story list a request asks for: `?before=<key>&page=N` or `?after=<key>&page=N` (the links
    the pager writes, an index range however deep), or an old `?page=N` link (OFFSET). A key that is not one,
    both keys, or a key on page 1 is a page that does not exist (404), as is an empty page after the first.
    `queryset()` makes the list, only when the page asked for is not the one `first(n)` reads (the first page,
    queries.first_of_listed), nor for a `?before=` page that `older(key, n)` reads
    (queries.older_of_listed)."""
    number = page_number(request)
    raw_before, raw_after = request.GET.get("before"), request.GET.get("after")
    before = queries.parse_key(raw_before) if raw_before is not None else None
    after = queries.parse_key(raw_after) if raw_after is not None else None
    if (raw_before is not None and before is None) or (raw_after is not None and after is None):
        raise Http404("No such page.")
    if (before or after) and (number == 1 or (before and after)):
        raise Http404("No such page.")
    page = queries.window(queryset, number, page_size(), before=before, after=after, first=first, older=older)
    if page.number > 1 and not page.items:
        raise Http404("No such page.")
    return page


def page_size() -> int:
    size: int = settings.NEWSDESK_SITE["PAGE_SIZE"]
    return size
