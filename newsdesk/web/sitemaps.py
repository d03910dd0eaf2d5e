"""Sitemaps (django.contrib.sitemaps), on the public address NEWSDESK_SITE_URL, and a Google News
sitemap of the last 48 hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape as xml_escape  # django.utils.html.escape without its lazy-text wrapper
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Func, Max, TextField
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

    def page_numbers(self) -> range:
        """The pages the index lists. Page N holds the published stories whose id is in the N-th block of
        `limit` ids, ((N - 1) × limit, N × limit], oldest first: a page is one primary-key range (no
        OFFSET), at most `limit` URLs, and keeps its stories when newer ones arrive (they fill the last
        page, then new ones). The pages run from the block of the oldest published story to the block of
        the newest, so a block of deleted or unpublished stories is an empty page, still valid."""

        def span() -> tuple[int, int]:
            ids = self.articles().order_by().values_list("id", flat=True)
            first, last = ids.order_by("id").first() or 1, ids.order_by("-id").first() or 1
            return (first - 1) // self.limit + 1, (last - 1) // self.limit + 1

        first, last = remembered(f"sitemap {type(self).__name__} blocks of {self.limit}", span)
        return range(first, last + 1)


class NewsSitemap(ArticleSitemap):
    """Stories published in the last 48 hours, for Google News."""

    limit = NEWS_MAX

    def articles(self) -> Any:
        return super().articles().filter(published__gte=timezone.now() - NEWS_WINDOW)

    def items(self) -> Any:
        return self.articles()[:NEWS_MAX]

    def page_numbers(self) -> range:
        """At most NEWS_MAX stories, newest first, counted (a remembered count)."""
        return range(1, self.paginator.num_pages + 1)


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


# ---- article sitemap pages without model instances --------------------------------------------------
# Django's sitemap view builds a model instance and a dictionary per URL and asks the sitemap for each
# field; a page of a thousand stories cost ~50 ms. These read the columns a page shows as the database
# gives them (Django's per-row converters were a fifth of a page; one datetime per row, the lastmod worked
# out by the database) and write the XML directly. The news page is byte for byte what Django's sitemap
# view writes with web/sitemap_news.xml (tests/web/test_machine_files.py compares them, with the headers).

ARTICLE_COLUMNS = ("id", "title", "lastmod")
NEWS_COLUMNS = ("id", "title", "published_at", "language", "lastmod")


class InvalidSitemapPage(Exception):
    """A ?p= that is not a page of this sitemap (Django's view answers 404)."""


def _raw(queryset: Any) -> list[tuple[Any, ...]]:
    """The rows of a values_list query as the database driver returns them (no per-value converters)."""
    from django.db import connections

    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


class RawMoment(Func):
    """A datetime column as the cheapest value for the driver to read: SQLite's text (a cast, so that the
    declared type's converter is not applied), PostgreSQL's seconds since 1970 as a float (Django's loader
    for timestamptz parses text in Python: three quarters of a sitemap page on PostgreSQL)."""

    template = "CAST(%(expressions)s AS text)"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra
        )


def _moments() -> Callable[[Any], datetime]:
    """Reads a RawMoment: SQLite's text (in UTC when USE_TZ) or PostgreSQL's seconds since 1970."""
    zone = UTC if settings.USE_TZ else None
    parse, from_seconds = datetime.fromisoformat, datetime.fromtimestamp

    def moment(value: Any) -> datetime:
        if isinstance(value, str):
            return parse(value).replace(tzinfo=zone)
        return from_seconds(value, UTC).replace(tzinfo=zone)

    return moment


def _number(page: str, pages: range) -> int:
    try:
        number = int(page)
    except ValueError:
        raise InvalidSitemapPage("That page number is not an integer") from None
    if not 1 <= number <= pages.stop - 1:
        raise InvalidSitemapPage("That page contains no results")
    return number


def _with_lastmod(site: ArticleSitemap) -> Any:
    from django.db.models.functions import Coalesce

    return site.articles().annotate(
        lastmod=RawMoment(Coalesce("updated", "modified_at", "published")),
        published_at=RawMoment("published"),
    )


_BLOCK_SQL: dict[tuple[str, str], str] = {}


def _block(site: ArticleSitemap, low: int, high: int) -> list[tuple[Any, ...]]:
    """The published stories with low < id <= high, by id, as raw (id, title, lastmod) rows. The SQL is
    compiled by the ORM once per database and sitemap (compiling was half of reading a page); only the
    page's two ids change."""
    from django.db import connections

    queryset = _with_lastmod(site).filter(id__gt=low, id__lte=high).order_by("id")
    key = (queryset.db, type(site).__name__)
    sql = _BLOCK_SQL.get(key)
    if sql is None:
        sql, params = queryset.values_list(*ARTICLE_COLUMNS).query.sql_with_params()
        if list(params) != [Article.Status.PUBLISHED, low, high]:  # a sitemap that filters more
            return _raw(queryset.values_list(*ARTICLE_COLUMNS))
        _BLOCK_SQL[key] = sql
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [str(Article.Status.PUBLISHED), low, high])
        return list(cursor.fetchall())


def _prefix() -> str:
    """The escaped start of every URL; the path after it is digits, slug letters, "-", "/" and %-escapes."""
    return xml_escape(f"{SiteSitemap().get_protocol()}://{SiteSitemap().get_domain()}")


def articles_page(site: ArticleSitemap, page: str | None) -> tuple[str, datetime | None]:
    """The XML of one page of the articles sitemap (an id block, ArticleSitemap.page_numbers; without ?p=,
    the first listed) and its newest lastmod (for Last-Modified)."""
    pages = site.page_numbers()
    number = pages.start if page is None else _number(page, pages)
    rows = _block(site, (number - 1) * site.limit, number * site.limit)
    prefix, path = _prefix(), links.article_paths()
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    # SQLite's text is in UTC (with USE_TZ) or local time (without): its first ten characters are the day
    # when that is the site's zone. Otherwise each value is read as a datetime and moved to the zone.
    as_text = zone is None or settings.TIME_ZONE == "UTC"
    moment = _moments()
    parts = [URLSET_OPEN]
    for pk, title, raw in rows:
        if as_text and isinstance(raw, str):
            day = raw[:10]
        else:
            lastmod = moment(raw)
            day = (lastmod.astimezone(zone) if zone is not None else lastmod).date().isoformat()
        parts.append(f"<url><loc>{prefix}{path(pk, title)}</loc><lastmod>{day}</lastmod></url>")
    parts.append("\n</urlset>\n")
    return "".join(parts), _newest([row[2] for row in rows])


def _newest(raws: list[Any]) -> datetime | None:
    """The newest of a page's raw lastmod values: datetimes (PostgreSQL) or SQLite's text, which Django
    writes in one fixed form ("YYYY-MM-DD HH:MM:SS[.ffffff]") that sorts as the moments do."""
    return _moments()(max(raws)) if raws else None


_news_entries: dict[tuple[Any, ...], str] = {}


def news_page(site: NewsSitemap, page: str | None) -> tuple[str, datetime | None]:
    from newsdesk.web.templatetags.newsdesk_web import lang_attr

    pages = site.page_numbers()
    number = 1 if page is None else _number(page, pages)
    start = (number - 1) * site.limit
    end = min(start + site.limit, NEWS_MAX)
    rows = _raw(_with_lastmod(site).values_list(*NEWS_COLUMNS)[start:end])
    prefix, path = _prefix(), links.article_paths()
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    name = xml_escape(settings.SITE_NAME)
    site_language = settings.LANGUAGE_CODE
    codes: dict[str, str] = {}
    moment = _moments()
    # SQLite's text is the UTC (or, without USE_TZ, local) moment: in the site's zone when that is UTC.
    as_text, offset = zone is None or settings.TIME_ZONE == "UTC", "+00:00" if zone is not None else ""
    parts = [NEWS_OPEN]
    # Each <url> is written once per (id, title, time, language) and site, then reused: the next request's
    # rows are mostly the same stories (the slugs and the escaping were most of a page's Python).
    context = (prefix, name, str(zone), site_language, as_text)
    for pk, title, raw_published, language, _lastmod in rows:
        key = (context, pk, title, raw_published, language)
        entry = _news_entries.get(key)
        if entry is None:
            if as_text and isinstance(raw_published, str):  # "YYYY-MM-DD HH:MM:SS[.ffffff]", as isoformat()
                stamp = raw_published.replace(" ", "T", 1) + offset
            else:
                published = moment(raw_published)
                stamp = (published.astimezone(zone) if zone is not None else published).isoformat()
            code = codes.get(language)
            if code is None:
                code = codes[language] = xml_escape(
                    (lang_attr(language or "") or site_language).split("-")[0].lower()
                )
            entry = (
                f"<url><loc>{prefix}{path(pk, title)}</loc><news:news><news:publication>"
                f"<news:name>{name}</news:name><news:language>{code}</news:language>"
                f"</news:publication><news:publication_date>{stamp}</news:publication_date>"
                f"<news:title>{xml_escape(title)}</news:title></news:news></url>"
            )
            if len(_news_entries) >= 4 * NEWS_MAX:
                _news_entries.clear()
            _news_entries[key] = entry
        parts.append(entry)
    parts.append("\n</urlset>\n")
    return "".join(parts), _newest([row[4] for row in rows])
