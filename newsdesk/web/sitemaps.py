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
from django.utils.html import escape

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.core.figures import remembered
from newsdesk.web import queries

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
        items = self._items()  # type: ignore[attr-defined]  # Django's, not in its stubs
        pages = Paginator(items, self.limit)
        pages.__dict__["count"] = remembered(f"sitemap {type(self).__name__} count", items.count)
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


# ---- writing the XML ------------------------------------------------------------------------------
# A sitemap page has up to a thousand URLs; through the template engine that was 70% of its cost. These
# write the same bytes as Django's sitemap.xml and our web/sitemap_news.xml (after {% spaceless %}).

URLSET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
NEWS_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
)


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return str(value.strftime("%Y-%m-%d"))
    return "" if value is None else str(value.isoformat())


def urlset(urls: list[dict[str, Any]]) -> str:
    parts = [URLSET_OPEN]
    for url in urls:
        parts.append(f"<url><loc>{escape(url['location'])}</loc>")
        if url.get("lastmod"):
            parts.append(f"<lastmod>{_day(url['lastmod'])}</lastmod>")
        if url.get("changefreq"):
            parts.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url.get("priority"):
            parts.append(f"<priority>{escape(str(url['priority']))}</priority>")
        for alternate in url.get("alternates") or ():
            parts.append(
                f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}"'
                f' href="{escape(alternate["location"])}"/>'
            )
        parts.append("</url>")
    parts.append("\n</urlset>\n")
    return "".join(parts)


def news_urlset(urls: list[dict[str, Any]]) -> str:
    from newsdesk.web.templatetags.newsdesk_web import news_language

    name = escape(settings.SITE_NAME)
    parts = [NEWS_OPEN]
    for url in urls:
        item = url["item"]
        published = (
            timezone.localtime(item.published) if timezone.is_aware(item.published) else item.published
        )
        parts.append(
            f"<url><loc>{escape(url['location'])}</loc><news:news><news:publication>"
            f"<news:name>{name}</news:name><news:language>{escape(news_language(item))}</news:language>"
            f"</news:publication><news:publication_date>{published.isoformat()}</news:publication_date>"
            f"<news:title>{escape(item.title)}</news:title></news:news></url>"
        )
    parts.append("\n</urlset>\n")
    return "".join(parts)
