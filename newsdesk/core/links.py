"""Where things live on the site: the one place that builds our URLs for articles, sources and topics.

Article and source URLs carry a readable slug beside the id (/article/42-a-readable-title/); the id
decides, and a wrong or missing slug is answered with a permanent redirect to the right one.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.text import slugify

SLUG_MAX = 80


def slug_for(text: str) -> str:
    """A readable slug in the text's own script (Arabic titles keep Arabic letters), never empty."""
    slug = slugify(text, allow_unicode=True)[:SLUG_MAX].strip("-_")
    return slug or "story"


def article_path(article_id: int, title: str) -> str:
    """What reverse("web:article", …) gives, built directly: pages link to dozens of stories, and
    reverse() was a tenth of a home page's time (tests/web/test_helpers.py keeps the two equal)."""
    return f"{get_script_prefix()}article/{article_id}-{quote(slug_for(title), safe='')}/"


def source_path(source_id: int, name: str) -> str:
    return reverse("web:source", kwargs={"pk": source_id, "slug": slug_for(name)})


def story_path(story_id: int) -> str:
    return reverse("web:story", kwargs={"pk": story_id})


def topic_path(slug: str) -> str:
    return reverse("web:topic", kwargs={"slug": slug})


def absolute(path: str) -> str:
    """An absolute URL on the configured public address (NEWSDESK_SITE_URL), for feeds and metadata."""
    return settings.SITE_URL + path
