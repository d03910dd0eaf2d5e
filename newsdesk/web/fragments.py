"""The page frame's parts (the head's fixed links, the masthead, the footer), rendered once per version.

`{% fragment "name" key=value … %}…{% endfragment %}` (newsdesk/web/templatetags/newsdesk_web.py) renders its
contents the first time and keeps the HTML in the story cards' per-process store (newsdesk/web/cards.py:
least recently used out), keyed by what the part can show:

- the fragment's name and the values given to it (the page's `nav`, its feed links…);
- the active language, the script prefix and the URLconf (its words and its addresses).

The contents are rendered with a context holding *only* those values: no request, no consent, no CSRF
token, no user. A part that needs something per reader cannot get it, so it cannot be kept and handed to
another reader: it stays outside the fragment and is rendered on every request (the cookie banner, the
"Cookie settings" link with the page's own address, the snippets a reader agreed to).

`source_mark(source)` (`{% source_mark %}`) keeps a source's icon or monogram the same way, keyed by the
source's id, name and icon address.

Nothing needs invalidating: a changed value is a new key, and the old HTML ages out. Values that cannot be
part of a key (unhashable ones) render the contents afresh, every time.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

from django.template import Context, Node, NodeList
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import LazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from newsdesk.web.cards import store as cards_store

SOURCE_MARK = "web/partials/source_mark.html"
# The cards' own store (NEWSDESK_CARD_CACHE_ENTRIES bounds both; 0 renders everything every time).
store = cards_store


class Unkeyable(Exception):
    """A value given to a fragment that cannot be part of its key."""


def frozen(value: Any) -> Hashable:
    """`value` as part of a key: plain values as they are, lists, tuples and lazy lists as tuples, frozen
    dataclasses (the feed links) by their fields. Anything else (a model instance, which hashes by its id
    alone and would hide an edit) cannot be part of a key."""
    if isinstance(value, (str, int, float, datetime, type(None))):
        return value
    if isinstance(value, (list, tuple, LazyObject)):
        return tuple(frozen(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return (type(value), *(frozen(getattr(value, field.name)) for field in fields(value)))
    raise Unkeyable(type(value).__name__)


def source_mark(source: Any) -> SafeString:
    """A source's icon or monogram (web/partials/source_mark.html), rendered once per source's version."""
    key = ("source mark", source.pk, source.name, source.icon_url, get_language())
    held = store.get(key)
    if held is None:
        held = (get_template(SOURCE_MARK).render({"source": source}), None)
        store.put(key, held)
    return mark_safe(held[0])  # noqa: S308  # rendered by the template engine, escaped there


class FragmentNode(Node):
    def __init__(self, name: str, values: dict[str, Any], nodelist: NodeList) -> None:
        self.name = name
        self.values = values
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        values = {name: value.resolve(context) for name, value in self.values.items()}
        try:
            key = (
                "fragment",
                self.name,
                frozen(list(values.values())),  # in the order the template names them
                get_language(),
                get_script_prefix(),
                get_urlconf(),
                context.autoescape,
            )
        except Unkeyable:
            return mark_safe(self._render(context, values))  # noqa: S308  # escaped by the template engine
        held = store.get(key)
        if held is None:
            held = (self._render(context, values), None)
            store.put(key, held)
        return mark_safe(held[0])  # noqa: S308  # rendered by the template engine, escaped there

    def _render(self, context: Context, values: dict[str, Any]) -> str:
        own = Context(values, autoescape=context.autoescape, use_l10n=context.use_l10n, use_tz=context.use_tz)
        own.template = context.template
        own.template_name = context.template_name
        return self.nodelist.render(own)
