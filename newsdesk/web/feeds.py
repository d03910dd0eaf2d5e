"""Outgoing feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the latest news, a source, a topic or a search.

Each item links to our article page and carries the excerpt and a "Read More" link to the original,
never the full text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import get_script_prefix
from django.utils import feedgenerator, timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.web import images, metadata
from newsdesk.web.cards import CardStore
from newsdesk.web.jsonfeed import JsonFeed

# ---- items rendered once per version ---------------------------------------------------------------
# Django's feed view asks the Feed for some twenty attributes of every item and writes each through a SAX
# generator: most of a feed's CPU, and the same for every feed an item is in. As with the story cards
# (newsdesk/web/cards.py, the same store), an item is written once per version and its text reused: keyed
# by the format, the language, the public address and script prefix, the article's id and `modified_at`
# (which every action that changes an article sets) and its topics' names. Only the new items of a feed go
# through Django's path; the feed's head still does, per request.

items = CardStore(settings.NEWSDESK_SITE.get("CARD_CACHE_ENTRIES", 10_000))
WRITTEN = "newsdesk_written"  # the key of an item's text in a prepared item


class WrittenItems:
    """A feed generator whose items may carry their text already written (under WRITTEN)."""

    items: list[dict[str, Any]]  # the generator's

    def written(self, item: dict[str, Any]) -> str:
        """One item's text, as the generator's own write_items writes it."""
        out = io.StringIO()
        handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
        whole = self.items
        self.items = [item]
        try:
            super().write_items(handler)  # type: ignore[misc]  # the generator's
        finally:
            self.items = whole
        return out.getvalue()

    def write_items(self, handler: SimplerXMLGenerator) -> None:
        for item in self.items:
            text = item.get(WRITTEN)
            # ignorableWhitespace writes its text as it is, after closing a start tag left open.
            handler.ignorableWhitespace(text if text is not None else self.written(item))


class Rss(WrittenItems, feedgenerator.Rss201rev2Feed):
    pass


class Atom(WrittenItems, feedgenerator.Atom1Feed):
    pass


FEED_TYPES: dict[str, type[feedgenerator.SyndicationFeed]] = {"rss": Rss, "atom": Atom, "json": JsonFeed}


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

    def get_feed(self, obj: Subject, request: HttpRequest) -> feedgenerator.SyndicationFeed:
        """Django's feed, with the items written before taken from the store and only the others built."""
        keys = [self._item_key(article) for article in obj.articles]
        held = [items.get(key) for key in keys]
        missing = [article for article, text in zip(obj.articles, held, strict=True) if text is None]
        feed = super().get_feed(replace(obj, articles=missing), request)
        built = iter(feed.items)
        prepared = []
        for article, key, text in zip(obj.articles, keys, held, strict=True):
            if text is None:
                item = next(built)
                written = feed.written(item)  # type: ignore[attr-defined]  # ours: Rss, Atom, JsonFeed
                items.put(key, (written, None))
            else:
                written = text[0]
            prepared.append(
                {
                    "pubdate": self._aware(article.published),
                    "updateddate": self._aware(self.item_updateddate(article)),
                    WRITTEN: written,
                }
            )
        feed.items = prepared
        return feed

    def _item_key(self, article: Article) -> tuple[Any, ...]:
        return (
            self.feed_type.__name__, get_language(), settings.SITE_URL, get_script_prefix(), article.pk,
            article.modified_at, tuple(self.item_categories(article)),
        )  # fmt: skip

    @staticmethod
    def _aware(moment: Any) -> Any:
        """As Django's get_feed gives the item dates (naive ones in the default time zone)."""
        if moment and timezone.is_naive(moment):
            return timezone.make_aware(moment, timezone.get_default_timezone())
        return moment

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
