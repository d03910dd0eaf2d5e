"""Outgoing feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the latest news, a source, a topic or a search.

Each item links to our article page and carries the excerpt and a "Read More" link to the original,
never the full text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils import feedgenerator
from django.utils.html import format_html
from django.utils.translation import gettext as _

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.web import images, metadata
from newsdesk.web.jsonfeed import JsonFeed

FEED_TYPES: dict[str, type[feedgenerator.SyndicationFeed]] = {
    "rss": feedgenerator.Rss201rev2Feed,
    "atom": feedgenerator.Atom1Feed,
    "json": JsonFeed,
}


@dataclass(frozen=True)
class Subject:
    """What one feed is about, built per request (Feed instances must hold no request state)."""

    title: str
    description: str
    link: str  # absolute: the page this feed mirrors
    feed_url: str  # absolute
    articles: list[Article]


def _shown(item: Article) -> tuple[str, str]:
    """The item's excerpt and original address, worked out once per item (two parts of a feed show them)."""
    held: tuple[str, str] | None = getattr(item, "_feed_shown", None)
    if held is None:
        held = (metadata.display_excerpt(item), metadata.original_url(item))
        item._feed_shown = held  # type: ignore[attr-defined]
    return held


class ArticleFeed(Feed):  # type: ignore[type-arg]  # not subscriptable at run time
    """The common part; subclasses say what the subject is in `subject()`."""

    def __init__(self, fmt: str) -> None:
        if fmt not in FEED_TYPES:
            raise Http404("No such feed format.")
        self.feed_type = FEED_TYPES[fmt]

    def subject(self, request: HttpRequest, **kwargs: Any) -> Subject:
        raise NotImplementedError

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Subject:
        return self.subject(request, **kwargs)

    def limit(self) -> int:
        items: int = settings.NEWSDESK_SITE["FEED_ITEMS"]
        return items

    def title(self, obj: Subject) -> str:
        return obj.title

    def description(self, obj: Subject) -> str:
        return obj.description

    def subtitle(self, obj: Subject) -> str:
        return obj.description

    def link(self, obj: Subject) -> str:
        return obj.link

    def feed_url(self, obj: Subject) -> str:
        return obj.feed_url

    def author_name(self, obj: Subject) -> str:
        # Atom wants an author for the feed when an entry names none.
        return settings.SITE_NAME

    def items(self, obj: Subject) -> list[Article]:
        return obj.articles

    def item_title(self, item: Article) -> str:
        return item.title

    def item_link(self, item: Article) -> str:
        return links.absolute(links.article_path(item.pk, item.title))

    def item_guid(self, item: Article) -> str:
        return self.item_link(item)

    def item_description(self, item: Article) -> str:
        excerpt, original = _shown(item)
        body = format_html("<p>{}</p>", excerpt) if excerpt else ""
        if original:
            body += format_html(
                '<p><a href="{}">{}</a></p>', original, _("Read More: %(title)s") % {"title": item.title}
            )
        return body

    def item_author_name(self, item: Article) -> str | None:
        return ", ".join(item.authors) if item.authors else None

    def item_pubdate(self, item: Article) -> Any:
        return item.published

    def item_updateddate(self, item: Article) -> Any:
        return item.updated or item.published

    def item_categories(self, item: Article) -> list[str]:
        names: list[str] | None = getattr(item, "topic_names", None)
        return names if names is not None else [topic.name for topic in item.topics.all()]

    def item_extra_kwargs(self, item: Article) -> dict[str, Any]:
        image = images.article_image_path(item)
        excerpt, original = _shown(item)
        return {
            "external_url": original,
            "summary": excerpt,
            "image": links.absolute(image) if image else "",
            "authors": list(item.authors),
            "language": item.language,
        }
