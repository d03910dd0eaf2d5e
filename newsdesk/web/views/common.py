"""Small things every public view needs: reading the page number, and the base context."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest

MAX_PAGE = 10_000


def page_number(request: HttpRequest) -> int:
    """?page=N, a whole number from 1; anything else is a page that does not exist (404)."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise Http404("No such page.")
    return int(raw)


def page_size() -> int:
    size: int = settings.NEWSDESK_SITE["PAGE_SIZE"]
    return size


def with_page(path: str, number: int) -> str:
    return path if number == 1 else f"{path}?page={number}"
