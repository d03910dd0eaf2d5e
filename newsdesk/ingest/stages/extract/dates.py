"""When the article was first published, as a timezone-aware datetime.

trafilatura reports a day ("2024-03-05"), but we sort and display stories by the minute, so we first
read the machine-readable timestamps pages publish (meta tags, JSON-LD, microdata, <time datetime>)
at full precision, and only then ask htmldate to find a day in the page: its quick search first, its
"extensive" search (free text, the whole page) only when the quick one finds nothing. On pages with no
date the extensive search guesses one from a copyright line, which it reports as the 1st of January
of that year: such a day is not taken, since no date is better than a wrong one.

Time zones are kept: a page that gives the instant in UTC in its metadata and in its own zone in a
<time> element (or a second meta tag) is dated in its own zone, so the day is the one its readers saw.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement

_META_NAMES = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "dc.date.issued", "dcterms.created", "dcterms.issued",
    "parsely-pub-date", "sailthru.date", "article.published", "published_time", "release_date",
)  # fmt: skip
# Generic "date" tags: a CMS fills them with the day the page was generated or last edited as often as
# with the publication's, so a <time> the page marks as the publication's comes first.
_GENERIC_NAMES = ("date", "dc.date")
_UPDATED_NAMES = (
    "article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified",
    "modified_time", "parsely-updated", "article.updated",
)  # fmt: skip
_META_XPATH = XPath(".//meta[@content][@property or @name or @itemprop]")
_MICRODATA_XPATH = XPath(".//*[@itemprop='datePublished']")
_TIME_XPATH = XPath(".//time[@datetime]")
_ISO_TAIL = re.compile(r"(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
_RFC_2822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} ")
_UNPADDED = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[ T])")  # "2022-5-5 22:17:36"
_YEAR_ONLY = re.compile(r"^\d{4}-01-01$")  # what htmldate reports when it found only a year
MAX_OFFSET = timedelta(hours=14)  # the widest UTC offset in use


def meta_tags(root: HtmlElement) -> dict[str, str | None]:
    """The page's meta tags by lower-cased name, property or itemprop: read once, for both dates."""
    metas: dict[str, str | None] = {}
    for element in _META_XPATH(root):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        metas.setdefault(key, element.get("content"))
    return metas


def updated_date(
    root: HtmlElement, json_ld_modified: str | None, metas: dict[str, str | None] | None = None
) -> datetime | None:
    """When the page says the article was last changed (JSON-LD dateModified, then meta tags).
    Kept apart from the publication date: an update is not a new story."""
    metas = meta_tags(root) if metas is None else metas
    for value in (json_ld_modified, *(metas.get(name) for name in _UPDATED_NAMES)):
        parsed = parse_timestamp(value)
        if parsed is not None:
            return parsed
    return None


def structured_date(
    root: HtmlElement, json_ld_date: str | None, metas: dict[str, str | None] | None = None
) -> datetime | None:
    """The first machine-readable publication timestamp the page declares: JSON-LD datePublished,
    then the meta tags, microdata and a <time> marked as the publication's."""
    metas = meta_tags(root) if metas is None else metas
    candidates = [json_ld_date, *(metas.get(name) for name in _META_NAMES)]
    candidates.extend(
        e.get("content") or e.get("datetime") or e.text_content() for e in _MICRODATA_XPATH(root)
    )
    times = _TIME_XPATH(root)
    published = [t for t in times if "pubdate" in t.attrib or "publish" in (t.get("class") or "")]
    if not _one_day(published):
        # Several <time>s marked as publications, on different days: a list of posts (an archive, a
        # "more from the blog" box), whose first item is some other post's date, not this one's.
        times = published = []
    candidates.extend(t.get("datetime") for t in published or times[:1])
    candidates.extend(metas.get(name) for name in _GENERIC_NAMES)
    for value in candidates:
        parsed = parse_timestamp(value)
        if parsed is not None:
            if parsed.utcoffset() == timedelta(0):
                others = (*(metas.get(name) for name in _META_NAMES), *(t.get("datetime") for t in times))
                local = in_local_zone(parsed, others)
                return local if local is not parsed else local_midnight(parsed)
            return parsed
    return None


def _one_day(elements: list[HtmlElement]) -> bool:
    """Whether the <time>s all give the same day, as far as they can be read (or there are fewer
    than two): "2021-06-07T09:00+02:00" and "2021-06-07 11:00" are one day."""
    days = set()
    for element in elements:
        parsed = parse_timestamp(element.get("datetime"))
        if parsed is not None:
            days.add(parsed.date())
    return len(days) < 2


def local_midnight(instant: datetime) -> datetime:
    """A UTC instant at exactly 22:00 or 23:00 is how a CMS in Central Europe stores a bare day: it
    is midnight of the next day at UTC+2 or UTC+1, and that next day is the one the page shows.
    The same instant, in that zone; any other instant unchanged."""
    if instant.hour in (22, 23) and not (instant.minute or instant.second or instant.microsecond):
        return instant.astimezone(timezone(timedelta(hours=24 - instant.hour)))
    return instant


def in_local_zone(instant: datetime, others: Iterable[str | None]) -> datetime:
    """`instant` (in UTC) in the publisher's own zone, when another timestamp on the page is the same
    instant written with a UTC offset, or as a local clock time ("2023-11-08 23:30:59" for 05:30:59Z:
    the page's zone is UTC-6). Unchanged when no other timestamp says so."""
    for value in others:
        local = _parse(value.strip()) if value and len(value.strip()) > 10 else None
        if local is None:
            continue
        if local.tzinfo is not None:
            if local.utcoffset() != timedelta(0) and local == instant:
                return local
            continue
        offset = local - instant.replace(tzinfo=None)
        if offset and abs(offset) <= MAX_OFFSET and offset % timedelta(minutes=15) == timedelta(0):
            return local.replace(tzinfo=timezone(offset))
    return instant


def fallback_date(root: HtmlElement) -> datetime | None:
    """A day found by htmldate in the page's markup and bylines, at midnight UTC; its extensive
    search only when the quick one finds nothing, and never a bare year's 1st of January."""
    try:
        found = find_date(root, extensive_search=False, original_date=True)
        if not found:
            found = find_date(root, extensive_search=True, original_date=True)
            if found and _YEAR_ONLY.match(found):
                found = None
    except (ValueError, TypeError):  # htmldate is defensive, but the input is anyone's HTML
        return None
    return parse_timestamp(found) if found else None


def parse_timestamp(value: str | None) -> datetime | None:
    """ISO 8601 (or RFC 2822: "Wed, 04 May 2022 02:41:00 GMT") in, aware datetime out. A bare date
    means midnight, a naive time means UTC."""
    if not value:
        return None
    text = _UNPADDED.sub(_padded, value.strip(), count=1)
    if len(text) < 10:
        return None
    if _RFC_2822.match(text):
        with suppress(ValueError, TypeError, IndexError):
            parsed: datetime | None = parsedate_to_datetime(text)
            return parsed if parsed and 1990 <= parsed.year <= 2100 else None
        return None
    if not text[:4].isdigit():
        return None
    parsed = _parse(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed


def _padded(match: re.Match[str]) -> str:
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _parse(text: str) -> datetime | None:
    """ISO 8601, leniently; naive when the text gives no offset."""
    if not text[:4].isdigit():
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return _lenient(text)


def _lenient(text: str) -> datetime | None:
    """Variants fromisoformat rejects: a space before the offset, "+0100", odd fractions."""
    compact = text.replace(" +", "+").replace(" -", "-")
    match = _ISO_TAIL.search(compact)
    offset = match.group(2) if match and match.group(2) else ""
    stem = compact[: match.start()] if match else compact
    if offset and offset != "Z" and ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    try:
        return datetime.fromisoformat(stem + offset)
    except ValueError:
        pass
    try:
        return datetime.combine(datetime.fromisoformat(text[:10]).date(), time(0, tzinfo=UTC))
    except ValueError:
        return None
