"""The data the signup box (and the preferences form) is drawn from: choices, and what is ticked.

What is ticked comes from, in order: a form being shown again with a problem; the subscriber's own
choices (preferences page); the page's `newsletter_topics` (topic slugs) and `newsletter_sources` (source
ids), or its `article`; or `?topic=slug&source=id` on the standalone signup page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from newsdesk.core.figures import remembered
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic

from .forms import FORM_VERSION
from .models import Subscriber


def _as_set(values: Iterable[Any] | None) -> set[str]:
    return {str(v) for v in values or ()}


def return_path(request: HttpRequest | None) -> str:
    """Where "Back to reading" leads after a signup without JavaScript: the page the box was on."""
    if request is None or request.method != "GET" or request.path.startswith("/newsletter/"):
        return ""
    return request.get_full_path()


def _choices() -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The topics and active sources a reader may pick, the same for every page (remembered a few seconds,
    newsdesk/core/figures.py)."""
    topics = list(Topic.objects.order_by("name").values_list("slug", "name"))
    sources = list(Source.objects.filter(is_active=True).order_by("name").values_list("pk", "name"))
    return topics, sources


def page_ticks(request: HttpRequest | None, page: dict[str, Any] | None) -> tuple[set[str], set[str]]:
    """What a box on a public page ticks (no form, no subscriber): the page's `newsletter_topics` and
    `newsletter_sources`, or its `article`'s; else `?topic=slug&source=id` (the standalone signup page)."""
    if page is not None and (
        page.get("newsletter_topics") or page.get("newsletter_sources") or page.get("article")
    ):
        article = page.get("article")
        ticked_topics = _as_set(page.get("newsletter_topics"))
        ticked_sources = _as_set(page.get("newsletter_sources"))
        if article is not None and getattr(article, "pk", None):
            # A page that names its article's topics (the article page, from its one query) names them all,
            # none included: only a page that does not is asked the database.
            if page.get("newsletter_topics") is None and hasattr(article, "topics"):
                ticked_topics = _as_set(article.topics.values_list("slug", flat=True))
            if not ticked_sources and getattr(article, "source_id", None):
                ticked_sources = {str(article.source_id)}
        return ticked_topics, ticked_sources
    if request is not None:
        return _as_set(request.GET.getlist("topic")), _as_set(request.GET.getlist("source"))
    return set(), set()


def choices() -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The topics and sources a reader may pick, remembered (the same object until it is worked out again)."""
    return remembered("newsletter box choices", _choices)


def box_context(
    request: HttpRequest | None,
    *,
    form: Any = None,
    subscriber: Subscriber | None = None,
    page: dict[str, Any] | None = None,
    message: str = "",
    error_field: str = "",
    held: tuple[list[tuple[str, str]], list[tuple[int, str]]] | None = None,
) -> dict[str, Any]:
    """The box's template context. `held` is a reading of `choices()` the caller already took: a box
    kept under that reading's key must be rendered from that same reading."""
    topics, sources = choices() if held is None else held
    email = ""
    frequency = Subscriber.Frequency.DAILY.value
    paused = False
    ticked_topics: set[str] = set()
    ticked_sources: set[str] = set()
    if form is not None and form.is_bound:
        email = form.data.get("email", "")
        frequency = form.data.get("frequency") or frequency
        ticked_topics = _as_set(form.data.getlist("topics"))
        ticked_sources = _as_set(form.data.getlist("sources"))
        paused = bool(form.data.get("paused"))
    elif subscriber is not None:
        frequency = subscriber.frequency
        paused = subscriber.paused
        ticked_topics = _as_set(subscriber.topics.values_list("slug", flat=True))
        ticked_sources = _as_set(subscriber.sources.values_list("pk", flat=True))
    else:
        ticked_topics, ticked_sources = page_ticks(request, page)
    topic_rows = [{"value": slug, "name": name, "checked": slug in ticked_topics} for slug, name in topics]
    source_rows = [
        {"value": str(pk), "name": name, "checked": str(pk) in ticked_sources} for pk, name in sources
    ]
    picked_topics = [row["name"] for row in topic_rows if row["checked"]]
    picked_sources = [row["name"] for row in source_rows if row["checked"]]
    return {
        "topics": topic_rows,
        "sources": source_rows,
        "picked": picked_topics + picked_sources,
        "picked_topics": picked_topics,
        "picked_sources": picked_sources,
        "email": email,
        "frequency": frequency,
        "paused": paused,
        "message": message,
        "error_field": error_field,
        "form_version": FORM_VERSION,
        "next": return_path(request),
    }
