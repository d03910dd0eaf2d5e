"""Sources and topics: an index of each, and a page per source and per topic."""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from newsdesk.core import links
from newsdesk.core.prepared import prepared
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic
from newsdesk.web import metadata, queries
from newsdesk.web.caching import public_page

from .common import list_window
from .pages import LIVE_STREAM
from .stories import story_cards

T = TypeVar("T")


def _one(found: list[T]) -> T:
    """The one object a page is about (read by a query compiled once), or 404."""
    if not found:
        raise Http404("No such page.")
    return found[0]


@public_page
def source_index(request: HttpRequest) -> HttpResponse:
    context = {
        "sources": queries.sources_with_articles(),
        "feeds": metadata.latest_feeds(),
        "meta": metadata.PageMeta(
            title=_("Sources"),
            description=_("Every outlet whose stories appear here, with their latest news."),
            path=reverse("web:sources"),
        ),
        "nav": "sources",
    }
    return render(request, "web/source_index.html", context)


@public_page
def source(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    outlet = _one(prepared("source by id", lambda pk: Source.objects.filter(pk=pk), (-1,)).run(pk))
    path = links.source_path(outlet.pk, outlet.name)
    if slug != links.slug_for(outlet.name):
        return HttpResponsePermanentRedirect(path)
    page = list_window(
        request,
        lambda: queries.listed().filter(source=outlet),
        queries.first_of_listed("source", outlet.pk),
        queries.older_of_listed("source", outlet.pk),
    )
    number = page.number
    title = _("News from %(source)s") % {"source": outlet.name}
    context = {
        "source": outlet,
        "page": page,
        "feeds": metadata.feed_links("source", title, pk=outlet.pk) + metadata.latest_feeds(),
        "meta": metadata.PageMeta(
            title=title
            if number == 1
            else _("%(title)s, page %(number)s") % {"title": title, "number": number},
            description=_("The latest stories from %(source)s, each with a link to the original.")
            % {"source": outlet.name},
            path=path + page.query,
        ),
        "nav": "sources",
    }
    return render(request, "web/source.html", context)


@public_page
def topic_index(request: HttpRequest) -> HttpResponse:
    context = {
        "topics": queries.topics_with_articles(),
        "feeds": metadata.latest_feeds(),
        "meta": metadata.PageMeta(
            title=_("Topics"),
            description=_("The news by subject."),
            path=reverse("web:topics"),
        ),
        "nav": "topics",
    }
    return render(request, "web/topic_index.html", context)


@public_page
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    subject = _one(prepared("topic by slug", lambda slug: Topic.objects.filter(slug=slug), ("\0",)).run(slug))
    path = links.topic_path(subject.slug)
    first = queries.first_of_listed("topic", subject.pk)
    older = queries.older_of_listed("topic", subject.pk)
    page = list_window(request, lambda: queries.in_topic(queries.listed(), subject), first, older)
    number = page.number
    context = {
        "topic": subject,
        "page": page,
        # Page 1 already holds the topic's newest stories: the Live News column is their first few.
        "live_news": page.items[: queries.LIVE_NEWS_ITEMS]
        if number == 1 and queries.holds_live_news(page)
        else queries.live_news(subject),
        "story_cards": story_cards(subject) if number == 1 else [],
        "live_stream_url": f"{LIVE_STREAM}?topic={subject.slug}",
        "feeds": metadata.feed_links("topic", subject.name, slug=subject.slug) + metadata.latest_feeds(),
        "meta": metadata.PageMeta(
            title=subject.name
            if number == 1
            else _("%(title)s, page %(number)s") % {"title": subject.name, "number": number},
            description=subject.description
            or _("The latest news about %(topic)s.") % {"topic": subject.name},
            path=path + page.query,
        ),
        "nav": "topics",
    }
    return render(request, "web/topic.html", context)
