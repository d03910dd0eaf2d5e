"""The feed views: the latest news, one source, one topic, one search; each as RSS, Atom or JSON Feed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.search import SearchQuery, search
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic
from newsdesk.web import queries
from newsdesk.web.caching import public_page
from newsdesk.web.feeds import ArticleFeed, Subject

# What a feed item shows (newsdesk/web/feeds.py); the text, the page's HTML and the review are not read.
FEED_FIELDS = (
    "id", "title", "authors", "published", "updated", "excerpt", "language", "lead_image", "url", "link",
    "source_id", "modified_at",
)  # fmt: skip


def _newest(queryset: Any, limit: int) -> list[Article]:
    """The newest `limit` stories with only the columns a feed shows, and their topics' names from one
    query on the link table (ArticleFeed.item_categories reads them), not a prefetch of whole topics."""
    articles = list(queryset.select_related(None).only(*FEED_FIELDS)[:limit])
    names: dict[int, list[str]] = {article.pk: [] for article in articles}
    through = Topic.articles.through
    pairs = (
        through.objects.filter(article_id__in=list(names))
        .order_by("topic__name", "topic_id")
        .values_list("article_id", "topic__name")
    )
    for article_id, name in pairs:
        names[article_id].append(name)
    for article in articles:
        article.topic_names = names[article.pk]
    return articles


def _feed_url(request: HttpRequest) -> str:
    return links.absolute(request.get_full_path())


class LatestFeed(ArticleFeed):
    def subject(self, request: HttpRequest, **kwargs: Any) -> Subject:
        return Subject(
            title=_("%(site)s: latest news") % {"site": settings.SITE_NAME},
            description=_("The latest stories from the outlets we follow."),
            link=links.absolute(reverse("web:home")),
            feed_url=_feed_url(request),
            articles=_newest(queries.published(), self.limit()),
        )


class SourceFeed(ArticleFeed):
    def subject(self, request: HttpRequest, **kwargs: Any) -> Subject:
        outlet = get_object_or_404(Source, pk=kwargs["pk"])
        return Subject(
            title=_("%(site)s: news from %(source)s") % {"site": settings.SITE_NAME, "source": outlet.name},
            description=_("The latest stories from %(source)s.") % {"source": outlet.name},
            link=links.absolute(links.source_path(outlet.pk, outlet.name)),
            feed_url=_feed_url(request),
            articles=_newest(queries.published().filter(source=outlet), self.limit()),
        )


class TopicFeed(ArticleFeed):
    def subject(self, request: HttpRequest, **kwargs: Any) -> Subject:
        subject = get_object_or_404(Topic, slug=kwargs["slug"])
        return Subject(
            title=_("%(site)s: %(topic)s") % {"site": settings.SITE_NAME, "topic": subject.name},
            description=subject.description
            or _("The latest news about %(topic)s.") % {"topic": subject.name},
            link=links.absolute(links.topic_path(subject.slug)),
            feed_url=_feed_url(request),
            articles=_newest(queries.in_topic(queries.published(), subject), self.limit()),
        )


class SearchFeed(ArticleFeed):
    def subject(self, request: HttpRequest, **kwargs: Any) -> Subject:
        text = request.GET.get("q", "").strip()
        found = search(SearchQuery(text=text, page=1, per_page=self.limit())) if text else None
        if found is None or found.problem:
            raise Http404("A search feed needs words to search for.")
        by_id = queries.articles_by_ids([hit.article_id for hit in found.hits], with_topics=True)
        return Subject(
            title=_("%(site)s: search for “%(query)s”") % {"site": settings.SITE_NAME, "query": text},
            description=_("The stories that best match “%(query)s”.") % {"query": text},
            link=links.absolute(request.get_full_path().replace(request.path, reverse("web:search"), 1)),
            feed_url=_feed_url(request),
            articles=[by_id[hit.article_id] for hit in found.hits if hit.article_id in by_id],
        )


@public_page
def latest(request: HttpRequest, fmt: str) -> HttpResponseBase:
    return LatestFeed(fmt)(request)


@public_page
def source(request: HttpRequest, fmt: str, pk: int) -> HttpResponseBase:
    return SourceFeed(fmt)(request, pk=pk)


@public_page
def topic(request: HttpRequest, fmt: str, slug: str) -> HttpResponseBase:
    return TopicFeed(fmt)(request, slug=slug)


@public_page
def search_feed(request: HttpRequest, fmt: str) -> HttpResponseBase:
    return SearchFeed(fmt)(request)
