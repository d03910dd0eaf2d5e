"""What a page tells machines about itself: its feeds, canonical address, social cards and JSON-LD."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from newsdesk.articles.models import Article
from newsdesk.core import frame, links
from newsdesk.core.links import absolute
from newsdesk.core.urls import is_web_url
from newsdesk.ingest.stages.excerpt import ELLIPSIS, make_excerpt
from newsdesk.topics.models import Topic

FORMATS = (
    ("rss", "application/rss+xml", "RSS"),
    ("atom", "application/atom+xml", "Atom"),
    ("json", "application/feed+json", "JSON Feed"),
)
DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class FeedLink:
    title: str
    media_type: str
    url: str
    label: str


def feed_links(name: str, title: str, query: dict[str, str] | None = None, **kwargs: Any) -> list[FeedLink]:
    """The RSS, Atom and JSON Feed versions of one list, for <link rel="alternate"> and the footer."""
    suffix = "?" + urlencode(query) if query else ""
    return [
        FeedLink(
            title=f"{title} ({label})",
            media_type=media_type,
            url=links.reverse_remembered(f"web:feed-{name}", kwargs={**kwargs, "fmt": fmt}) + suffix,
            label=label,
        )
        for fmt, media_type, label in FORMATS
    ]


def latest_feeds() -> list[FeedLink]:
    """The latest news's feeds (every page advertises them), built once per language, site name, script
    prefix and URLconf: the same three links on every page."""
    key = (frame.language(), settings.SITE_NAME, frame.prefix(), frame.urlconf())
    found = _latest.get(key)
    if found is None:
        found = feed_links("latest", _("%(site)s: latest news") % {"site": settings.SITE_NAME})
        if len(_latest) >= 64:
            _latest.clear()
        _latest[key] = found
    return list(found)


_latest: dict[tuple[Any, ...], list[FeedLink]] = {}


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    path: str  # the canonical path, with its query string when it matters (?page=2)
    og_type: str = "website"
    image: str = ""  # absolute
    noindex: bool = False

    @property
    def canonical(self) -> str:
        return absolute(self.path)


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """A description for meta tags: whole words, with "…" when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(".,;:") + ELLIPSIS


def display_excerpt(article: Article) -> str:
    """The part of a story we show: the stored excerpt (or a fresh one from the text), ending in "…".

    The full text is never shown; NEWSDESK_EXCERPT_WORDS bounds what is.
    """
    words = settings.NEWSDESK_INGEST["EXCERPT_WORDS"]
    excerpt = make_excerpt(article.excerpt or article.text, words).strip()
    if not excerpt:
        return ""
    if not excerpt.endswith(ELLIPSIS):
        excerpt = excerpt.rstrip(".,;:!?—–- ") + ELLIPSIS
    return excerpt


def original_url(article: Article) -> str:
    """The outlet's address for the story, for "Read More"; "" when we know no web address for it."""
    for candidate in (article.url, article.link):
        if is_web_url(candidate):
            return candidate
    return ""


@lru_cache(maxsize=1024)
def _site_url_ok(url: str) -> bool:
    """`is_web_url` for a source's home page, remembered: the few sources' addresses recur on every page."""
    return is_web_url(url)


def news_article_ld(
    article: Article,
    *,
    canonical: str,
    image: str,
    topics: list[Topic],
    description: str,
    original: str | None = None,
) -> dict[str, Any]:
    """schema.org NewsArticle for our page about a story; isBasedOn names the original."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": shorten(article.title, 110),
        "name": article.title,
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "datePublished": article.published.isoformat(),
        "dateModified": (article.updated or article.modified_at or article.published).isoformat(),
        "description": description,
        "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")},
        "sourceOrganization": {"@type": "NewsMediaOrganization", "name": article.source.name},
    }
    if original is None:
        original = original_url(article)
    if original:
        data["isBasedOn"] = original
    if article.source.site_url and _site_url_ok(article.source.site_url):
        data["sourceOrganization"]["url"] = article.source.site_url
    if article.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if image:
        data["image"] = [image]
    if article.language:
        data["inLanguage"] = article.language
    if topics:
        data["articleSection"] = topics[0].name
        data["keywords"] = [topic.name for topic in topics]
    return data
