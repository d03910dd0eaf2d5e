"""A story's card, rendered once per version and reused on every list that shows it.

`render_card(article, variant, level, eager)` renders `web/partials/story.html` the first time and keeps the
HTML in a small per-process store (least recently used out), keyed by what the card shows:

- the article's id and `modified_at` (every action that changes an article sets it: an update, an approval,
  a rejection, a transfer to another source), so an edited story gets a new card at once and the old one
  simply ages out;
- its source's id, name and icon address (a renamed source changes its cards, though not the articles);
- the variant (`live`: a Live News item, web/partials/live_item.html), the headline level, whether the
  image loads eagerly, and the active language;
- for a Live News item, its story's id and outlet count (`live_news()` sets them; other cards lack them).

A quarantined, rejected or deleted story is never asked for again: lists read which stories to show from the
database, and only published ones (a list's first page is remembered until content changes or
NEWSDESK_FIGURES_SECONDS pass: newsdesk/web/queries.py). The relative time ("5 minutes ago") is not kept: the
card is stored in two halves around the words of its <time> element, which are worked out afresh each time
(the element's tag, with the story's publication time, is kept: that time is part of the key).

Nothing per reader is in a card (no cookie, no consent, no user): the template receives only the article.
"""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString

from newsdesk.core import frame
from newsdesk.core.figures import SHARED
from newsdesk.core.markup import safe
from newsdesk.web.templatetags.newsdesk_web import time_open, time_tag, time_words

TEMPLATE = "web/partials/story.html"
TIME_CLASS = "story__time"
# Variants drawn by a template of their own, and the class of their <time>: the Live News column's items.
OWN_TEMPLATES = {"live": ("web/partials/live_item.html", "live-news__time")}

Key = tuple[Any, ...]


class CardStore:
    """Rendered cards, at most `entries` of them, least recently used first out. Thread-safe."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._cards: OrderedDict[Key, tuple[str, str | None]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> tuple[str, str | None] | None:
        with self._lock:
            card = self._cards.get(key)
            if card is None:
                self.misses += 1
                return None
            self._cards.move_to_end(key)
            self.hits += 1
            return card

    def put(self, key: Key, card: tuple[str, str | None]) -> None:
        if self.entries <= 0:
            return
        with self._lock:
            self._cards[key] = card
            self._cards.move_to_end(key)
            while len(self._cards) > self.entries:
                self._cards.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._cards.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._cards)


store = CardStore(settings.NEWSDESK_SITE.get("CARD_CACHE_ENTRIES", 10_000))


def card_key(article: Any, variant: str, level: int, eager: bool) -> Key:
    source = article.source
    return (
        article.pk,
        article.modified_at,
        source.pk,
        source.name,
        source.icon_url,
        variant,
        level,
        bool(eager),
        frame.language(),
        # A Live News item also shows its story's id and outlet count, which change without the article;
        # other cards do not show them, so are not keyed on them.
        getattr(article, "story_id", None) if variant == "live" else None,
        getattr(article, "story_sources", None) if variant == "live" else None,
    )


def render_card(article: Any, variant: str = "card", level: int = 3, eager: bool = False) -> SafeString:
    """The HTML of one story card (see the module's docstring for what it is keyed on)."""
    name, time_class = OWN_TEMPLATES.get(variant, (TEMPLATE, TIME_CLASS))
    context = {"article": article, "variant": variant, "level": level, "eager": eager}
    return render_kept(card_key(article, variant, level, eager), name, context, article.published, time_class)


# The rows of the source and topic directories: what each shows besides its time, and its template.
ROWS = {
    "source": (("pk", "name", "icon_url", "article_count"), "web/partials/source_row.html"),
    "topic": (("pk", "slug", "name", "description", "article_count"), "web/partials/topic_row.html"),
}


def render_row(item: Any, kind: str) -> SafeString:
    """A row of the source or topic directory, kept like a card: keyed by the fields it shows (the count
    included), its newest story's time rendered afresh."""
    fields, name = ROWS[kind]
    key = (kind, *(getattr(item, field) for field in fields), item.latest is None, frame.language())
    return render_kept(key, name, {kind: item}, item.latest, "")


def render_kept(key: Key, name: str, context: dict[str, Any], moment: Any, time_class: str) -> SafeString:
    """Template `name` rendered with `context` once per `key` and `moment`, and kept in two halves around
    the words of the `time_tag(moment, time_class)` it holds ("5 minutes ago"), which are worked out afresh
    every time. The tag itself (its class and the moment's ISO date) is kept with the halves: the moment is
    part of the key, so a card or row whose moment changes is rendered again."""
    card = _kept(key, name, context, moment, time_class)
    if isinstance(card, str):
        return safe(card)  # rendered by the template engine, escaped there
    head, tail = card
    if tail is None:
        return safe(head)  # rendered by the template engine, escaped there
    return safe(head + time_words(moment) + tail)  # the words escaped by time_words


def _kept(
    key: Key, name: str, context: dict[str, Any], moment: Any, time_class: str
) -> tuple[str, str | None] | str:
    """render_kept's halves (the tail None when there are no words to put in), or the whole HTML when the
    card could not be kept this time."""
    key = (*key, moment)
    card = store.get(key)
    if card is None:
        html = get_template(name).render(context)
        mark = str(time_tag(moment, time_class))
        before, found, after = html.partition(mark) if mark else (html, "", "")
        if found and after.find(mark) < 0:
            card = (before + time_open(moment, time_class), "</time>" + after)
        elif mark and not found:
            # The clock crossed a word's boundary ("1 minute ago") between the template's tag and `mark`:
            # this page shows what the template wrote, and the next one renders the card again to keep it.
            return html
        else:
            card = (html, None)
        store.put(key, card)
    return card


def render_list(articles: Iterable[Any], variant: str = "card", level: int = 3) -> SafeString:
    """The cards of a list, one after another (`card_list()` in the templates).

    A list of remembered stories (marked by figures.shared(): the first pages, Live News, the home page's
    sections and "More like this", newsdesk/web/queries.py and related.py) is kept whole: its cards' HTML
    joined between their moments, so only the words of each <time> are worked out per page. Kept by the
    objects' identity (each held with the entry, so no other object can take its id) with the variant,
    level and language; a remembered list is read again when content changes, so a changed story comes in
    new objects and the kept list is simply not asked for again. Any other list (a deeper page, read once)
    is its cards, each kept as render_card keeps it, so one-off lists never push the remembered ones out.
    """
    articles = list(articles)
    if not all(SHARED in article.__dict__ for article in articles):
        return safe("".join(render_card(article, variant, level) for article in articles))
    key = (variant, level, frame.language(), *map(id, articles))
    with _lists_lock:
        held = _lists.get(key)
        if held is not None:
            _lists.move_to_end(key)
    if held is not None and all(map(operator.is_, held[0], articles)):
        parts, moments = held[1], held[2]
        out = [parts[0]]
        for moment, part in zip(moments, parts[1:], strict=True):
            out.append(time_words(moment))  # escaped by time_words
            out.append(part)
        return safe("".join(out))  # the parts rendered by the template engine, escaped there
    parts, moments, whole = [""], [], []
    kept = True
    for article in articles:
        card = _card(article, variant, level)
        if isinstance(card, str):
            kept = False
            whole.append(card)
            continue
        head, tail = card
        if tail is None:
            parts[-1] += head
            whole.append(head)
        else:
            parts[-1] += head
            moments.append(article.published)
            parts.append(tail)
            whole.append(head + time_words(article.published) + tail)
    if kept and store.entries > 0:  # NEWSDESK_CARD_CACHE_ENTRIES=0 renders everything every time
        with _lists_lock:
            _lists[key] = (tuple(articles), parts, moments)
            while len(_lists) > LISTS:
                _lists.popitem(last=False)
    return safe("".join(whole))  # the cards rendered by the template engine, escaped there


def _card(article: Any, variant: str, level: int) -> tuple[str, str | None] | str:
    name, time_class = OWN_TEMPLATES.get(variant, (TEMPLATE, TIME_CLASS))
    context = {"article": article, "variant": variant, "level": level, "eager": False}
    return _kept(card_key(article, variant, level, False), name, context, article.published, time_class)


LISTS = 512
_lists_lock = threading.Lock()
_lists: OrderedDict[Key, tuple[tuple[Any, ...], list[str], list[Any]]] = OrderedDict()


def forget_lists() -> None:
    with _lists_lock:
        _lists.clear()
