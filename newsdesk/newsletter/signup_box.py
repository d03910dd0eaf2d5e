"""`{{ newsletter_signup_box() }}`: the box, drawn from the page's context (see boxes.py).

On a public page (no bound form, no subscriber: only what the page ticks) the box is the same for every
reader, so its HTML is kept per language, how many boxes are ticked, and the current lists of topics and
sources; what differs from page to page (the ticked boxes, the names in the lede, the page's own address
as "next") is put into that copy. Nothing about the reader is in it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from jinja2.runtime import Context

from .boxes import box_context


def _box_input(name: str, value: str, checked: bool) -> str:
    """A ticked or unticked checkbox as newsletter/_choices.html writes it."""
    return f'<input type="checkbox" name="{name}" value="{escape(value)}"{" checked" if checked else ""}>'


BOX_TEMPLATE = "newsletter/_box.html"
_NEXT = "\ue002next\ue003"  # private-use marks: never in a real address or a name
_TOPICS = "\ue002topics\ue003"
_SOURCES = "\ue002sources\ue003"
_ENTRIES = 2000
_boxes: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_lock = threading.Lock()


def forget_boxes() -> None:
    with _lock:
        _boxes.clear()


def signup_box(context: Context) -> SafeString:
    request = context.get("request")
    page = {key: context.get(key) for key in ("newsletter_topics", "newsletter_sources", "article")}
    box = box_context(request, page=page)
    topics = [row for row in box["topics"] if row["checked"]]
    sources = [row for row in box["sources"] if row["checked"]]
    # One rendering per shape (which lists, how many ticked), with marks where the page's own parts go.
    key = (
        get_language(),
        tuple((row["value"], row["name"]) for row in box["topics"]),
        tuple((row["value"], row["name"]) for row in box["sources"]),
        bool(topics),
        bool(sources),
        len(topics) + len(sources),
        bool(box["next"]),
    )
    with _lock:
        html = _boxes.get(key)
        if html is not None:
            _boxes.move_to_end(key)
    if html is None:
        shape = {
            **box,
            "topics": [{**row, "checked": False} for row in box["topics"]],
            "sources": [{**row, "checked": False} for row in box["sources"]],
            "picked_topics": [_TOPICS] if topics else [],
            "picked_sources": [_SOURCES] if sources else [],
            "picked": ["-"] * (len(topics) + len(sources)),
            "next": _NEXT if box["next"] else "",
        }
        html = context.environment.get_template(BOX_TEMPLATE).render({"box": shape, "request": request})
        with _lock:
            _boxes[key] = html
            while len(_boxes) > _ENTRIES:
                _boxes.popitem(last=False)
    html = (
        html.replace(_NEXT, escape(box["next"]))
        .replace(_TOPICS, escape(", ".join(row["name"] for row in topics)))
        .replace(_SOURCES, escape(", ".join(row["name"] for row in sources)))
    )
    for name, rows in (("topics", topics), ("sources", sources)):
        for row in rows:
            html = html.replace(
                _box_input(name, row["value"], False), _box_input(name, row["value"], True), 1
            )
    return mark_safe(html)  # noqa: S308  # escaped by the template, and here
