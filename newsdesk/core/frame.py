"""What a page's render asks for dozens of times and which cannot change while it renders: the active
language, its translation catalog, the script prefix, the URLconf and the current time zone.

Django keeps each of them in an asgiref `Local` (a context-variable lookup behind a lock: 4-9 µs each on the
benchmark machine), and an article page asked for them about 70 times (every `_()`, `url()`, card key,
relative time and kept part). `rendering()` reads them once when a public view starts
(newsdesk/web/caching.py, `public_page`), or when a template renders outside such a view
(newsdesk/web/jinja.py, SignalledTemplate), and holds them for the thread until it ends; the helpers below
answer from there, or ask Django when nothing holds them. `localtime()` is Django's, with the held zone:
an article page shows its dates in the site's zone three times (2 µs for each zone lookup). Nothing in a
public view changes them (no view, template or kept part activates a language, a time zone or a prefix),
and a view is synchronous, so no other request's work runs on the thread meanwhile. Nothing about the
reader is held.

The content stamp (newsdesk/core/figures.py) is held the same way, read at the first remembered figure a page
asks for: every figure of one page is checked against one reading of it (a `stat()` each was 1-2% of an
article page), so a page never mixes figures from before and after a change. So is the time a page's
relative times ("5 minutes ago") are worked out against (`now()`): read once per page, the first time one
asks, rather than once per story (Django's `timezone.now()` reads a setting through its lazy wrapper each
time), and every time on the page then says the same about the same moment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from typing import Any

from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from django.utils.translation import trans_real


class _Held(threading.local):
    depth = 0
    language: str | None = None
    catalog: Any = None
    prefix = "/"
    urlconf: Any = None
    zone: tzinfo | None = None
    stamp: float | None = None
    now: datetime | None = None


_held = _Held()


@contextmanager
def rendering() -> Iterator[None]:
    """Hold the language, catalog, prefix, URLconf and time zone for the render inside (the outermost one
    reads them)."""
    held = _held
    if held.depth == 0:
        held.language = translation.get_language()
        held.catalog = trans_real.catalog()
        held.prefix = get_script_prefix()
        held.urlconf = get_urlconf()
        held.zone = timezone.get_current_timezone()
    held.depth += 1
    try:
        yield
    finally:
        held.depth -= 1
        if held.depth == 0:
            held.catalog = held.urlconf = held.language = held.zone = held.stamp = held.now = None


def language() -> str | None:
    held = _held
    return held.language if held.depth else translation.get_language()


def catalog() -> Any:
    held = _held
    return held.catalog if held.depth else trans_real.catalog()


def prefix() -> str:
    held = _held
    return held.prefix if held.depth else get_script_prefix()


def urlconf() -> Any:
    held = _held
    return held.urlconf if held.depth else get_urlconf()


def localtime(value: datetime) -> datetime:
    """django.utils.timezone.localtime(value): an aware datetime in the current time zone."""
    held = _held
    if not held.depth:
        return timezone.localtime(value)
    if value.utcoffset() is None:
        raise ValueError("localtime() cannot be applied to a naive datetime")
    return value.astimezone(held.zone)


def stamp(read: Callable[[], float]) -> float:
    """`read()` once per held page (the content stamp's modification time), or every time outside one."""
    held = _held
    if not held.depth:
        return read()
    value = held.stamp
    if value is None:
        value = held.stamp = read()
    return value


def now() -> datetime:
    """`timezone.now()` once per held page (see the module's docstring), or every time outside one."""
    held = _held
    if not held.depth:
        return timezone.now()
    value = held.now
    if value is None:
        value = held.now = timezone.now()
    return value
