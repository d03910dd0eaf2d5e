"""Sitemaps (django.contrib.sitemaps), on the public address NEWSDESK_SITE_URL, and a Google News
sitemap of the last 48 hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.web import queries
from newsdesk.core.figures import remembered

NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX = 1000  # Google News reads at most this many URLs from one news sitemap


class SiteSitemap(Sitemap):  # type: ignore[type-arg]  # not subscriptable at run time
    """URLs on the configured public address, whatever Host the request came with."""

    # URLs per sitemap page: rendering one takes about a quarter of a second per thousand.
    limit = 1000

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["web:home", "web:topics", "web:sources"]

    def location(self, item: str) -> str:
        return reverse(item)


class TopicSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self) -> list[Any]:
        return queries.topics_with_articles()

    def location(self, item: Any) -> str:
        return links.topic_path(item.slug)

    def lastmod(self, item: Any) -> datetime | None:
        latest: datetime | None = item.latest
        return latest


class SourceSitemap(TopicSitemap):
    def items(self) -> list[Any]:
        return queries.sources_with_articles()

    def location(self, item: Any) -> str:
        return links.source_path(item.pk, item.name)


class ArticleSitemap(SiteSitemap):
    def items(self) -> Any:
        return self.articles()

    def articles(self) -> Any:
        return (
            Article.objects.published()
            .newest_first()
            .only("id", "title", "published", "updated", "modified_at", "language")
        )

    def location(self, item: Article) -> str:
        return links.article_path(item.pk, item.title)

    def lastmod(self, item: Article) -> datetime:
        return item.updated or item.modified_at or item.published

    def get_latest_lastmod(self) -> datetime | None:
        # Django's default walks every item; one aggregate does, remembered (newsdesk/core/figures.py).
        def latest() -> datetime | None:
            newest: datetime | None = (
                self.articles().order_by().aggregate(latest=Max("modified_at"))["latest"]
            )
            return newest

        return remembered(f"sitemap {type(self).__name__} lastmod", latest)

    @property
    def paginator(self) -> Paginator:  # type: ignore[type-arg]
        """Django's paginator, told how many articles there are (a remembered count, not one per request)."""
        pages = Paginator(self._items(), self.limit)
        pages.__dict__["count"] = remembered(
            f"sitemap {type(self).__name__} count", lambda: self._items().count()
        )
        return pages


class NewsSitemap(ArticleSitemap):
    """Stories published in the last 48 hours, for Google News."""

    limit = NEWS_MAX

    def articles(self) -> Any:
        return super().articles().filter(published__gte=timezone.now() - NEWS_WINDOW)

    def items(self) -> Any:
        return self.articles()[:NEWS_MAX]


SECTIONS: dict[str, type[Sitemap[Any]]] = {
    "pages": PageSitemap,
    "topics": TopicSitemap,
    "sources": SourceSitemap,
    "articles": ArticleSitemap,
    "news": NewsSitemap,
}
