"""Where things live on the site: the one place that builds our URLs for articles, sources and topics.

Article and source URLs carry a readable slug beside the id (/article/42-a-readable-title/); the id
decides, and a wrong or missing slug is answered with a permanent redirect to the right one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from newsdesk.core import frame

SLUG_MAX = 80
# Django's slugify(allow_unicode=True), step by step with its patterns compiled once: a sitemap page makes a
# thousand slugs, and looking the patterns up was a third of each (tests/web/test_helpers.py compares).
_NOT_SLUG = re.compile(r"[^\w\s-]")
_DASHES = re.compile(r"[-\s]+")
# The same two steps for ASCII text, as one translation: what is not a word character, a space or "-" goes,
# "-" becomes a space, and the runs of spaces are joined with "-" (str.split's spaces are re's \s).
_ASCII_SLUG = {
    code: None for code in range(128) if not (chr(code).isalnum() or chr(code) in "_-" or chr(code).isspace())
} | {ord("-"): " "}


def slug_for(text: str) -> str:
    """A readable slug in the text's own script (Arabic titles keep Arabic letters), never empty."""
    value = str(text)
    if value.isascii():  # NFKC leaves ASCII as it is
        slug = "-".join(value.lower().translate(_ASCII_SLUG).split())
    else:
        slug = _DASHES.sub("-", _NOT_SLUG.sub("", unicodedata.normalize("NFKC", value).lower()))
    slug = slug.strip("-_")[:SLUG_MAX].strip("-_")
    return slug or "story"


def _quoted_slug(title: str) -> str:
    slug = slug_for(title)
    # An ASCII slug is letters, digits, "_" and "-" only, which quote() leaves as they are.
    return slug if slug.isascii() else quote(slug, safe="")


def article_path(article_id: int, title: str) -> str:
    """What reverse("web:article", …) gives, built directly: pages link to dozens of stories, and
    reverse() was a tenth of a home page's time (tests/web/test_helpers.py keeps the two equal)."""
    return f"{frame.prefix()}article/{article_id}-{_quoted_slug(title)}/"


def reverse_remembered(
    view_name: str,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """reverse(), remembered per script prefix and URLconf: a page asks for the same dozen addresses (the
    navigation, the feeds, the footer) on every render, and each reverse() walked the resolver."""
    items = tuple(sorted((kwargs or {}).items()))
    try:
        return _reverse(view_name, args, items, current_app, frame.prefix(), frame.urlconf())
    except TypeError:  # an argument that cannot be a key
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


@lru_cache(maxsize=4096)
def _reverse(
    view_name: str,
    args: tuple[Any, ...],
    items: tuple[tuple[str, Any], ...],
    current_app: str | None,
    prefix: str,
    urlconf: Any,
) -> str:
    return reverse(view_name, args=args, kwargs=dict(items), current_app=current_app)


def article_paths() -> Callable[[int, str], str]:
    """article_path for many stories at once (a sitemap page): the script prefix read once."""
    start = f"{frame.prefix()}article/"

    def path(article_id: int, title: str) -> str:
        return f"{start}{article_id}-{_quoted_slug(title)}/"

    return path


def source_path(source_id: int, name: str) -> str:
    """reverse("web:source", …), remembered like the navigation's addresses (an article page links its
    source twice and each card's source once)."""
    return reverse_remembered("web:source", (), {"pk": source_id, "slug": slug_for(name)})


def story_path(story_id: int) -> str:
    return reverse_remembered("web:story", (), {"pk": story_id})


def topic_path(slug: str) -> str:
    """reverse("web:topic", …), remembered: a page links the same few topics (kicker, cards, sections)."""
    return reverse_remembered("web:topic", (), {"slug": slug})


def absolute(path: str) -> str:
    """An absolute URL on the configured public address (NEWSDESK_SITE_URL), for feeds and metadata."""
    return settings.SITE_URL + path
