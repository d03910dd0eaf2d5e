"""Where feedparser 6 gets authors and dates wrong, corrected in its own extension points.

Importing this module installs the fixes (the parser subclasses and a date handler).
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
import feedparser.api

from newsdesk.ingest.stages.parse.fields import as_utc

# ---- authors

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")


class _FeedparserFixes:
    """Two feedparser 6 habits we correct, in subclasses of its own parser classes.

    1. It resolves RSS guids and Atom ids as if they were URLs ("rl-6" becomes
       "https://outlet.example/feeds/rl-6"), so an identifier would change with the feed's URL.
    2. Its e-mail pattern stops a domain after four letters, so for an RSS author string such as
       "desk@news.example (Ann Lee)" the name came out as "ple (Ann Lee". Only the case where
       feedparser splits a bare string is ours; structured authors (Atom, dc:creator) stay with it.
    """

    can_be_relative_uri = frozenset(feedparser.api.StrictFeedParser.can_be_relative_uri) - {"id"}

    def _sync_author_detail(self: Any, key: str = "author") -> None:
        context = self._get_context()
        details = context.get(f"{key}s") or [None]
        author = context.get(key)
        found = _EMAIL.search(author) if isinstance(author, str) and not details[-1] else None
        if not found:
            super()._sync_author_detail(key)  # type: ignore[misc]
            return
        detail = details[-1] if details[-1] is not None else feedparser.FeedParserDict()
        name = author.replace(found.group(), " ").strip(" \t\r\n()<>\"'")
        if name:
            detail["name"] = name
        detail["email"] = found.group()
        context.setdefault(f"{key}_detail", detail)


feedparser.api.StrictFeedParser = type(
    "StrictFeedParser", (_FeedparserFixes, feedparser.api.StrictFeedParser), {}
)
feedparser.api.LooseFeedParser = type(
    "LooseFeedParser", (_FeedparserFixes, feedparser.api.LooseFeedParser), {}
)


# ---- dates

# Zone names feeds use that RFC 822 lacks; feedparser reads them as UTC. Ambiguous ones (IST) left out.
_ZONES = {
    "WET": "+0000", "WEST": "+0100", "BST": "+0100", "CET": "+0100", "CEST": "+0200", "MET": "+0100",
    "MEST": "+0200", "EET": "+0200", "EEST": "+0300", "MSK": "+0300", "SAST": "+0200", "HKT": "+0800",
    "SGT": "+0800", "AWST": "+0800", "JST": "+0900", "KST": "+0900", "ACST": "+0930", "ACDT": "+1030",
    "AEST": "+1000", "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300", "HST": "-1000", "AKST": "-0900",
    "AKDT": "-0800", "NST": "-0330", "NDT": "-0230", "BRT": "-0300", "ART": "-0300",
}  # fmt: skip
_NAMED_ZONE = re.compile(r"(.{10,60}\d:\d\d(?::\d\d)?)\s*\(?([A-Z]{3,4})\)?")
_RFC850 = re.compile(r"[A-Za-z]{6,9}, \d{1,2}-[A-Za-z]{3}-\d{2,4} \d\d:\d\d:\d\d [A-Z]{1,4}")
_SLASHED = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d\d)(?::(\d\d))?)?")


def date_handler(value: str) -> time.struct_time | None:
    """Dates feedparser misreads: "2026/03/02" (its ISO reader says November), "CEST", RFC 850.

    Registered ahead of feedparser's own handlers; returns None for everything else.
    """
    text = value.strip()
    try:
        if slashed := _SLASHED.fullmatch(text):
            year, month, day, hour, minute, second = (int(part or 0) for part in slashed.groups())
            return datetime(year, month, day, hour, minute, second).utctimetuple()
        named = _NAMED_ZONE.fullmatch(text)
        if named and named[2] in _ZONES:
            return as_utc(parsedate_to_datetime(f"{named[1]} {_ZONES[named[2]]}")).utctimetuple()
        if _RFC850.fullmatch(text):
            return as_utc(parsedate_to_datetime(text)).utctimetuple()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return None


feedparser.registerDateHandler(date_handler)
