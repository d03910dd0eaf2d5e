"""`{{ newsletter_signup_box() }}`: the box, drawn from the page's context (see boxes.py).

On a public page (no bound form, no subscriber: only what the page ticks) the box is the same for every
reader, so its HTML is kept per language, how many boxes are ticked, and the current lists of topics and
sources; what differs from page to page (the ticked boxes, the names in the lede, the page's own address
as "next") is put into that copy. Nothing about the reader is in it.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import OrderedDict
from typing import Any

from django.utils.safestring import SafeString
from jinja2.runtime import Context

from newsdesk.core import frame
from newsdesk.core.markup import escape, safe

from .boxes import box_context, choices, page_ticks, return_path


def _box_input(name: str, value: str, checked: bool) -> str:
    """A ticked or unticked checkbox as newsletter/_choices.html writes it."""
    return f'<input type="checkbox" name="{name}" value="{escape(value)}"{" checked" if checked else ""}>'


BOX_TEMPLATE = "newsletter/_box.html"
_NEXT = "\ue002next\ue003"  # private-use marks: never in a real address or a name
_TOPICS = "\ue002topics\ue003"
_SOURCES = "\ue002sources\ue003"
_ENTRIES = 2000
# Where a kept box's page-own parts go: the marks, and each unticked checkbox (its value escaped: no quote).
_PLACES = re.compile(
    f'({_NEXT}|{_TOPICS}|{_SOURCES}|<input type="checkbox" name="(?:topics|sources)" value="[^"]*">)'
)


class _Kept:
    """A kept box cut once at its places, so a page fills them in and joins the pieces, instead of searching
    the whole box once per mark and per ticked box (str.replace: about 30 µs a page)."""

    __slots__ = ("boxes", "marks", "parts")

    def __init__(self, html: str) -> None:
        self.parts = _PLACES.split(html)  # text, place, text, place, ..., text
        self.marks: dict[str, list[int]] = {}
        self.boxes: dict[str, int] = {}  # an unticked checkbox's first place, as str.replace(..., 1) found it
        for index in range(1, len(self.parts), 2):
            place = self.parts[index]
            if place in (_NEXT, _TOPICS, _SOURCES):
                self.marks.setdefault(place, []).append(index)
            else:
                self.boxes.setdefault(place, index)


_boxes: OrderedDict[tuple[Any, ...], _Kept] = OrderedDict()
_lock = threading.Lock()


def forget_boxes() -> None:
    with _lock:
        _boxes.clear()


class _Choices:
    """What the box needs from one reading of the choices, worked out once per reading (not per page): the
    key of the choices' contents, and each choice's place and name."""

    def __init__(self, held: tuple[list[tuple[str, str]], list[tuple[int, str]]]) -> None:
        topics, sources = held
        self.held = held
        # Equal contents get the same number (a new reading every few seconds need not render the box
        # again); numbers are never reused, so a kept box never meets other choices under its key.
        contents = (tuple(topics), tuple((str(pk), name) for pk, name in sources))
        with _lock:
            if len(_versions) > 64:
                _versions.clear()
            self.key = _versions.setdefault(contents, next(_serial))
        self.topics = {slug: (place, name) for place, (slug, name) in enumerate(topics)}
        self.sources = {str(pk): (place, name) for place, (pk, name) in enumerate(sources)}


_read: _Choices | None = None
_versions: dict[tuple[Any, ...], int] = {}
_serial = itertools.count()


def _choices_now() -> _Choices:
    global _read
    held = choices()
    read = _read
    if read is None or read.held is not held:
        read = _read = _Choices(held)
    return read


def _picked(ticked: set[str], places: dict[str, tuple[int, str]]) -> list[tuple[str, str]]:
    """The ticked choices that exist, as (value, name), in the box's order."""
    return [(value, places[value][1]) for value in sorted(ticked & places.keys(), key=lambda v: places[v][0])]


def signup_box(context: Context) -> SafeString:
    request = context.get("request")
    page = {key: context.get(key) for key in ("newsletter_topics", "newsletter_sources", "article")}
    ticked_topics, ticked_sources = page_ticks(request, page)
    read = _choices_now()
    topics = _picked(ticked_topics, read.topics)
    sources = _picked(ticked_sources, read.sources)
    follow = return_path(request)
    # One rendering per shape (which lists, how many ticked), with marks where the page's own parts go.
    key = (frame.language(), read.key, bool(topics), bool(sources), len(topics) + len(sources), bool(follow))
    with _lock:
        kept = _boxes.get(key)
        if kept is not None:
            _boxes.move_to_end(key)
    if kept is None:
        box = box_context(request, page=page, held=read.held)  # the reading the key names
        shape = {
            **box,
            "topics": [{**row, "checked": False} for row in box["topics"]],
            "sources": [{**row, "checked": False} for row in box["sources"]],
            "picked_topics": [_TOPICS] if topics else [],
            "picked_sources": [_SOURCES] if sources else [],
            "picked": ["-"] * (len(topics) + len(sources)),
            "next": _NEXT if follow else "",
        }
        html = context.environment.get_template(BOX_TEMPLATE).render({"box": shape, "request": request})
        kept = _Kept(html)
        with _lock:
            _boxes[key] = kept
            while len(_boxes) > _ENTRIES:
                _boxes.popitem(last=False)
    parts = kept.parts.copy()
    for mark, text in (
        (_NEXT, follow),
        (_TOPICS, ", ".join(name for _, name in topics)),
        (_SOURCES, ", ".join(name for _, name in sources)),
    ):
        places = kept.marks.get(mark)
        if places:
            escaped = escape(text)
            for index in places:
                parts[index] = escaped
    for name, rows in (("topics", topics), ("sources", sources)):
        for value, _ in rows:
            place = kept.boxes.get(_box_input(name, value, False))
            if place is not None:
                parts[place] = _box_input(name, value, True)
    return safe("".join(parts))  # escaped by the template, and here
