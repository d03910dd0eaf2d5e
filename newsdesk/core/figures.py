"""Counts and "latest" dates that pages show, worked out once and reused, not counted on every render.

`remembered(name, compute)` keeps `compute()`'s answer in this process until either
- content changed: the stamp file that every stored, updated, approved or rejected article touches
  (`article_stored`, the same one the page cache watches: `DATA_DIR/.content-changed`) has a new
  modification time, or
- `NEWSDESK_FIGURES_SECONDS` passed (5 s by default; this also bounds what the stamp cannot see, such as
  topics assigned a moment after the stamp, or articles deleted with their source).

Only what is the same for every reader goes through here (the topic and source indexes with their counts and
newest dates, how many stories a topic has, how many pages a sitemap has, a list's first page): the answers
are shared between threads and must be treated as read-only. At most ENTRIES answers are held.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

from newsdesk.core import frame

T = TypeVar("T")

_lock = threading.Lock()
_values: dict[str, tuple[float, float, Any]] = {}  # name -> (stamp mtime, computed at, value)
_computing: dict[str, threading.Lock] = {}  # name -> the lock one thread holds while working it out


def _stamp() -> float:
    try:
        # os.path.join, not `DATA_DIR / …`: a page asks several times, and each pathlib join parsed the path.
        return os.stat(os.path.join(settings.DATA_DIR, ".content-changed")).st_mtime
    except OSError:
        return 0.0


def remembered(name: str, compute: Callable[[], T]) -> T:
    """`compute()`'s answer, reused until content changes or NEWSDESK_FIGURES_SECONDS pass."""
    seconds = settings.NEWSDESK_SITE.get("FIGURES_SECONDS", 5)
    if seconds <= 0:
        return compute()
    stamp, now = frame.stamp(_stamp), time.monotonic()  # read once per page (newsdesk/core/frame.py)
    held = _values.get(name)
    if held is not None and held[0] == stamp and now - held[1] < seconds:
        value: T = held[2]
        return value
    with _computing.setdefault(name, threading.Lock()):  # one thread works it out, the others wait for it
        held = _values.get(name)
        if held is not None and held[0] == stamp and time.monotonic() - held[1] < seconds:
            return held[2]  # type: ignore[no-any-return]
        value = compute()
        with _lock:
            _values[name] = (stamp, now, value)
            if len(_values) > ENTRIES:
                _prune(stamp, now, seconds)
    return value


# How many answers are held at most. Most names are site-wide (a handful), but some are per topic or per
# source (a list's first page, "More like this"), and a crawler walking every source page would otherwise
# leave one answer per source behind for as long as the process lives.
ENTRIES = 1024


def _prune(stamp: float, now: float, seconds: float) -> None:
    """Drop what can no longer be used (an older stamp, or over its seconds); then, while still over
    three quarters of ENTRIES, the longest held. Called with the lock held."""
    for name in [name for name, held in _values.items() if held[0] != stamp or now - held[1] >= seconds]:
        _drop(name)
    if len(_values) > ENTRIES * 3 // 4:
        oldest = sorted(_values, key=lambda name: _values[name][1])
        for name in oldest[: len(_values) - ENTRIES * 3 // 4]:
            _drop(name)


def _drop(name: str) -> None:
    """Forget an answer and its lock (a thread still waiting on that lock holds it; one asking afresh takes
    a new one, which at worst works the answer out twice)."""
    del _values[name]
    _computing.pop(name, None)


# The mark `shared()` leaves on each object of a remembered list of models.
SHARED = "_newsdesk_shared"


def shared(objects: list[T]) -> list[T]:
    """Mark each object (a model instance) as remembered and shown to every reader: a list of only such
    stories is kept whole as HTML (newsdesk/web/cards.py, render_list), where a list read once (a deeper
    page) is not. Returns the same list."""
    for item in objects:
        item.__dict__[SHARED] = True
    return objects


def forget() -> None:
    """Drop everything remembered (tests; a process that knows content changed)."""
    with _lock:
        _values.clear()
        _computing.clear()
