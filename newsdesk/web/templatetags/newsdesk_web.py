"""Helpers for the public pages: links, times, bylines, icons and structured data.

They are plain functions: the public templates are Jinja2 (docs/decisions/0029), whose environment
(newsdesk/web/jinja.py) registers them as filters and globals. The one entry of Django's engine left is
the `news_language` filter, which web/sitemap_news.xml loads with `{% load newsdesk_web %}`; the other
Django-engine templates (admin, console, mails, web/monogram.svg) use none of these.
"""

from __future__ import annotations

import html
import json
import re
import zlib
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.text import get_text_list
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from newsdesk.core import frame, links
from newsdesk.core.markup import safe
from newsdesk.web import images

register = template.Library()

# Monogram backgrounds, each with at least 4.5:1 contrast against white text (site.css has the same).
MONOGRAM_COLOURS = ("#8c2f39", "#1f5f8b", "#2f6b3a", "#6b4c9a", "#8a5200", "#2b5d5d", "#7a3b69", "#4a5568")
MONOGRAM_TONES = len(MONOGRAM_COLOURS)
_LEADING_ARTICLES = {"the", "a", "an", "le", "la", "les", "el", "los", "las", "der", "die", "das", "il", "lo"}
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Characters that must not appear raw inside a <script> element.
_SCRIPT_ESCAPES = {"&": "\\u0026", "<": "\\u003C", ">": "\\u003E"}


def article_url(article: Any) -> str:
    return links.article_path(article.pk, article.title)


def source_url(source: Any) -> str:
    return links.source_path(source.pk, source.name)


def topic_url(topic: Any) -> str:
    return links.topic_path(topic.slug)


def lead_image_url(article: Any) -> str:
    """Our copy of the article's lead image ("" when it has none we may fetch)."""
    return images.article_image_path(article)


def icon_url(source: Any) -> str:
    """Our copy of the source's icon ("" when it has none: the page shows a monogram)."""
    return images.source_icon_path(source)


def relative_time(value: datetime | None) -> str:
    """ "5 minutes ago", in the site's language; "just now" for the last minute and the future."""
    if value is None:
        return ""
    now = frame.now()  # once per page (newsdesk/core/frame.py)
    seconds = (now - value).total_seconds()
    if seconds < 60:
        return _("just now")
    if seconds < RECENT_SECONDS:
        # Within a week the words depend on the whole minutes alone: worked out once per minute and language.
        key = (frame.language(), int(seconds // 60))
        words = _recent_words.get(key)
        if words is None:
            words = _("%(delta)s ago") % {"delta": timesince(now - timedelta(minutes=key[1]), now, depth=1)}
            if len(_recent_words) >= RECENT_SECONDS // 60 * 4:
                _recent_words.clear()
            _recent_words[key] = words
        return words
    return older_words(value, now)


def older_words(value: datetime, now: datetime) -> str:
    """ "3 months ago" for a moment over a week before `now`: what timesince(value, now, depth=1) says, kept
    per language and leading unit and count (the only things its words depend on), so a page of stories
    from all over the archive works out the calendar, not the words, for each (a crawler never asks twice)."""
    now = now.astimezone(value.tzinfo)
    # timesince's whole calendar months between the two, then weeks when there is less than a month.
    months = (now.year - value.year) * 12 + (now.month - value.month)
    if value.day > now.day or (value.day == now.day and value.time() > now.time()):
        months -= 1
    if months >= 12:
        unit = ("year", months // 12)
    elif months > 0:
        unit = ("month", months)
    else:
        unit = ("week", int((now - value).total_seconds() // (7 * 24 * 3600)))
    if unit[1] <= 0:  # under a week: not what this is for, so not kept
        return _("%(delta)s ago") % {"delta": timesince(value, now, depth=1)}
    key = (frame.language(), *unit)
    words = _older_words.get(key)
    if words is None:
        words = _("%(delta)s ago") % {"delta": timesince(value, now, depth=1)}
        if len(_older_words) >= OLDER_ENTRIES:
            _older_words.clear()
        _older_words[key] = words
    return words


RECENT_SECONDS = 7 * 24 * 3600
OLDER_ENTRIES = 10_000
_recent_words: dict[tuple[str | None, int], str] = {}
_older_words: dict[tuple[str | None, str, int], str] = {}


def byline(authors: list[str] | None) -> str:
    """ "By Ana Ruiz, Li Wei and Sam Cole"; "" when nobody is named."""
    names = [name for name in (authors or []) if name and name.strip()]
    if not names:
        return ""
    # One name (most stories) is the name itself, as get_text_list() gives it, without asking for "and".
    listed = str(names[0]) if len(names) == 1 else get_text_list(names, _("and"))
    return _("By %(names)s") % {"names": listed}


def monogram(name: str) -> str:
    """Up to two initials for a source without an icon."""
    words = [w for w in re.split(r"[\s\-_.]+", name or "") if w and w[0].isalnum()]
    significant = [w for w in words if w.lower() not in _LEADING_ARTICLES] or words
    letters = "".join(word[0] for word in significant[:2]).upper()
    return letters or "?"


def monogram_tone(name: str) -> int:
    """A stable colour (one of a few, all readable with white text) for a source's monogram."""
    return zlib.crc32((name or "").encode()) % MONOGRAM_TONES


def lang_attr(code: str | None) -> str:
    """A language tag fit for a lang attribute, or "" when the stored one is not a valid tag."""
    code = (code or "").strip()
    return code if _LANG.match(code) else ""


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a <script type="application/ld+json"> element, safe against </script> in the data."""
    text = json.dumps(data, ensure_ascii=False)
    for character, escaped in _SCRIPT_ESCAPES.items():  # three replace() calls: far faster than translate()
        text = text.replace(character, escaped)
    return safe(text)


def time_tag(value: datetime | None, css_class: str = "") -> str:
    """<time datetime="…">5 minutes ago</time>; site.js keeps the words true on a page left open."""
    if value is None:
        return ""
    # What format_html() writes, without its per-argument checks (a page has dozens of these).
    return safe(f"{time_open(value, css_class)}{time_words(value)}</time>")  # every part escaped


def time_open(value: datetime, css_class: str = "") -> str:
    """The opening tag of `time_tag(value, css_class)`: the same for every reader and every moment, so a kept
    card holds it (newsdesk/web/cards.py) and only the words are worked out per page."""
    return f'<time class="{html.escape(css_class)}" datetime="{value.isoformat()}" data-relative>'


def time_words(value: datetime) -> str:
    """The words of `time_tag(value)`, escaped: "5 minutes ago"."""
    return html.escape(relative_time(value))


@register.filter
def news_language(article: Any) -> str:
    """The ISO 639 code Google News wants: the story's language, else the site's."""
    from django.conf import settings

    code = lang_attr(getattr(article, "language", "")) or settings.LANGUAGE_CODE
    return code.split("-")[0].lower()


CARD_WORDS = {"lead": 45, "card": 28}


def card_excerpt(article: Any, variant: str = "card") -> str:
    """A shorter excerpt for a story card, cut at a sentence or word and ending in "…" when cut."""
    from newsdesk.ingest.stages.excerpt import make_excerpt

    return make_excerpt(article.excerpt or "", CARD_WORDS.get(variant, 28))


def story_card(article: Any, variant: str = "card", level: int = 3, eager: bool = False) -> SafeString:
    """One story in a list (web/partials/story.html), rendered once per version (newsdesk/web/cards.py)."""
    from newsdesk.web.cards import render_card

    return render_card(article, variant, level, eager)


def latest_headlines(limit: int = 5) -> list[Any]:
    """The newest published headlines, for pages that help a lost reader on (404)."""
    from newsdesk.web.queries import live_news

    return live_news(limit=limit)


def card_list(articles: Any, variant: str = "card", level: int = 3) -> SafeString:
    """`story_card()` for every story of a list, in one call (a loop of calls cost more than the cards); a
    list of the same stories as before is kept whole (newsdesk/web/cards.py, render_list)."""
    from newsdesk.web.cards import render_list

    return render_list(articles, variant, level)


def directory_rows(items: Any, kind: str) -> SafeString:
    """The rows of the source or topic directory, each kept like a card (newsdesk/web/cards.py)."""
    from newsdesk.web.cards import render_row

    return safe("".join([render_row(item, kind) for item in items]))


def source_mark_tag(source: Any) -> SafeString:
    """A source's icon or monogram, rendered once per source's version (newsdesk/web/fragments.py)."""
    from newsdesk.web.fragments import source_mark

    return source_mark(source)
