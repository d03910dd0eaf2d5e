"""The read-only JSON API under /api/ (django-ninja; docs/decisions/0006-json-api-django-ninja.md).

Only published articles, and never their full text: the excerpt, as on the site, with the
original's URL to read the rest. Every answer is cacheable like the pages: Cache-Control public,
a strong ETag, and 304 for a matching If-None-Match.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page
from ninja import NinjaAPI
from ninja.decorators import decorate_view
from ninja.params.functions import Path, Query  # the call forms of ninja.Path/Query, as mypy sees them

from newsdesk.articles.models import Article
from newsdesk.core.ids import MAX_ID
from newsdesk.search import SearchQuery, search
from newsdesk.search.backends.base import start_of_day
from newsdesk.sources.models import Source
from newsdesk.stories import queries as story_queries
from newsdesk.stories.models import Story, StoryMember
from newsdesk.topics.models import Topic
from newsdesk.topics.queries import in_topic

from .schemas import (
    ArticleOut,
    ArticlePage,
    ErrorOut,
    SearchOut,
    SourceOut,
    SourcePage,
    StoryOut,
    StoryPage,
    TopicOut,
)

MAX_PAGE_SIZE = 100
MAX_PAGE = 1000  # deep pages cost an offset scan; nobody needs article 100,001 through a list

api = NinjaAPI(
    title="Newsdesk API",
    version="1",
    description="Read-only: published articles (excerpts, linking to the original), sources, topics, search.",
    docs_url=None,  # the Swagger page loads scripts from a CDN; the site makes no third-party requests
    urls_namespace="api",
)


def cacheable(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Cache-Control for shared caches, plus ETag/304 (Django's ConditionalGetMiddleware as a decorator)."""
    return cache_control(public=True, max_age=60)(conditional_page(view))


def _article(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.url,
        "source": {"id": article.source_id, "name": article.source.name},
        "authors": list(article.authors or []),
        "published": article.published,
        "updated": article.updated,
        "excerpt": article.excerpt,
        "language": article.language or None,
        "lead_image": article.lead_image or None,
        "topics": [topic.slug for topic in article.topics.all()],
        "story": _story_id(article),
    }


def _story_id(article: Article) -> int | None:
    try:
        return article.story_member.story_id
    except StoryMember.DoesNotExist:
        return None


def _source(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "name": source.name,
        "site_url": source.site_url or None,
        "feed_url": source.url,
        "icon_url": source.icon_url or None,
        "language": source.language or None,
    }


def _published() -> QuerySet[Article]:
    return (
        Article.objects.published()
        .select_related("source", "story_member")
        .prefetch_related("topics")
        .only(
            "id",
            "title",
            "url",
            "source__id",
            "source__name",
            "authors",
            "published",
            "updated",
            "excerpt",
            "language",
            "lead_image",
            "story_member__story_id",
        )
    )


def _page(items: list[dict[str, Any]], page: int, page_size: int) -> dict[str, Any]:
    return {
        "page": page,
        "page_size": page_size,
        "has_next": len(items) > page_size,
        "items": items[:page_size],
    }


@api.get("/articles", response=ArticlePage, tags=["articles"], summary="Published articles, newest first")
@decorate_view(cacheable)
def list_articles(
    request: HttpRequest,
    source: int | None = Query(None, ge=1, le=MAX_ID),
    topic: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    articles = _published().order_by("-published", "-id")
    if source is not None:
        articles = articles.filter(source_id=source)
    if topic:
        found = Topic.objects.filter(slug=topic).values_list("pk", flat=True).first()
        articles = in_topic(articles, found) if found is not None else articles.none()
    if since is not None:
        articles = articles.filter(published__gte=start_of_day(since))
    if until is not None:
        articles = articles.filter(published__lt=start_of_day(until + timedelta(days=1)))
    start = (page - 1) * page_size
    rows = list(articles[start : start + page_size + 1])
    return _page([_article(a) for a in rows], page, page_size)


@api.get(
    "/articles/{article_id}",
    response={200: ArticleOut, 404: ErrorOut},
    tags=["articles"],
    summary="One published article",
)
@decorate_view(cacheable)
def get_article(request: HttpRequest, article_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    article = _published().filter(pk=article_id).first()
    if article is None:
        raise Http404("No published article has this id.")
    return _article(article)


@api.get("/sources", response=SourcePage, tags=["sources"], summary="The outlets followed")
@decorate_view(cacheable)
def list_sources(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    start = (page - 1) * page_size
    rows = list(Source.objects.order_by("name", "id")[start : start + page_size + 1])
    return _page([_source(s) for s in rows], page, page_size)


@api.get("/sources/{source_id}", response={200: SourceOut, 404: ErrorOut}, tags=["sources"])
@decorate_view(cacheable)
def get_source(request: HttpRequest, source_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise Http404("No source has this id.")
    return _source(source)


@api.get("/stories", response=StoryPage, tags=["stories"], summary="Stories, most recently updated first")
@decorate_view(cacheable)
def list_stories(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    start = (page - 1) * page_size
    rows = list(story_queries.latest(start + page_size + 1)[start:])
    return _page([story_queries.as_dict(s) for s in rows], page, page_size)


@api.get("/stories/{story_id}", response={200: StoryOut, 404: ErrorOut}, tags=["stories"])
@decorate_view(cacheable)
def get_story(request: HttpRequest, story_id: int) -> dict[str, Any]:
    story = Story.objects.filter(pk=story_id, article_count__gt=0).first()
    if story is None:
        raise Http404("No story has this id.")
    return story_queries.as_dict(story)


@api.get("/topics", response=list[TopicOut], tags=["topics"], summary="The clean topic set")
@decorate_view(cacheable)
def list_topics(request: HttpRequest) -> list[Mapping[str, Any]]:
    return list(Topic.objects.order_by("name").values("slug", "name", "description"))


@api.get("/topics/{slug}", response={200: TopicOut, 404: ErrorOut}, tags=["topics"])
@decorate_view(cacheable)
def get_topic(request: HttpRequest, slug: str) -> Mapping[str, Any]:
    topic = Topic.objects.filter(slug=slug).values("slug", "name", "description").first()
    if topic is None:
        raise Http404("No topic has this slug.")
    return topic


@api.get("/search", response=SearchOut, tags=["search"], summary="Full-text search of published articles")
@decorate_view(cacheable)
def search_articles(
    request: HttpRequest,
    q: str = "",
    source: int | None = Query(None, ge=1, le=MAX_ID),
    topic: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    result = search(
        SearchQuery(
            text=q,
            source_id=source,
            topic_slug=topic or None,
            since=since,
            until=until,
            page=page,
            per_page=page_size,
        )
    )
    found = {a.pk: a for a in _published().filter(pk__in=[hit.article_id for hit in result.hits])}
    items = [
        {
            "article": _article(found[hit.article_id]),
            "score": hit.score,
            "title_html": hit.title_html,
            "snippet_html": hit.snippet_html,
        }
        for hit in result.hits
        if hit.article_id in found
    ]
    return {
        "query": q,
        "total": result.total,
        "more": result.more,
        "page": page,
        "page_size": page_size,
        "has_next": page * page_size < result.total,
        "problem": result.problem,
        "items": items,
    }
