"""A source's icon or monogram, rendered once per version.

`source_mark(source)` (`source_mark()` in the public templates) renders web/partials/source_mark.html
the first time and keeps the HTML in the story cards' per-process store (newsdesk/web/cards.py: least
recently used out), keyed by the source's id, name and icon address and the active language. Nothing needs
invalidating: a changed value is a new key, and the old HTML ages out.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import get_template
from django.utils.safestring import SafeString

from newsdesk.core import frame
from newsdesk.core.markup import safe
from newsdesk.web.cards import store as cards_store

SOURCE_MARK = "web/partials/source_mark.html"
# The cards' own store (NEWSDESK_CARD_CACHE_ENTRIES bounds both; 0 renders everything every time).
store = cards_store


def source_mark(source: Any) -> SafeString:
    """A source's icon or monogram (web/partials/source_mark.html), rendered once per source's version."""
    key = ("source mark", source.pk, source.name, source.icon_url, frame.language())
    held = store.get(key)
    if held is None:
        held = (get_template(SOURCE_MARK).render({"source": source}), None)
        store.put(key, held)
    return safe(held[0])  # rendered by the template engine, escaped there
