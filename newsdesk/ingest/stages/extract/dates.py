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
from zoneinfo import ZoneInfo

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
    published = [
        t
        for t in times
        if ("pubdate" in t.attrib or "publish" in (t.get("class") or "")) and not _in_comments(t)
    ]
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
                return local if local is not parsed else local_midnight(parsed, root.get("lang"))
            return parsed
    return None


def _in_comments(element: HtmlElement) -> bool:
    """Whether a <time> is a reader's comment's (WordPress themes mark those `pubdate` too)."""
    for ancestor in element.iterancestors():
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if "comment" in marks:
            return True
    return False


def _one_day(elements: list[HtmlElement]) -> bool:
    """Whether the <time>s all give one day, as far as they can be read (or there are fewer than
    two): "2021-06-07T09:00+02:00" and "2021-06-07 11:00" are one day, and so are two spellings of
    one instant on either side of midnight ("23:30Z" and "01:30+02:00"): times within a day of each
    other (a clock time without a zone read as UTC) are not a list of posts."""
    days = set()
    instants = []
    for element in elements:
        parsed = parse_timestamp(element.get("datetime"))
        if parsed is not None:
            days.add(parsed.date())
            instants.append(parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC))
    return len(days) < 2 or max(instants) - min(instants) <= timedelta(days=1)


# A CMS in Central Europe stores a bare day as its local midnight in UTC. The languages of the countries
# on Central European Time: a page in another language at 22:00 or 23:00 UTC is just that late.
CENTRAL_EUROPE = ZoneInfo("Europe/Berlin")
_CENTRAL_EUROPEAN = frozenset(
    "de fr it nl pl cs sk hu sl hr sr bs mk sq da sv nb nn no es ca lb".split()  # noqa: SIM905
)


def local_midnight(instant: datetime, language: str | None = None) -> datetime:
    """A UTC instant that is exactly midnight in Central Europe (23:00 UTC in winter, 22:00 in summer) on a
    page in one of its languages is how such a CMS stores a bare day, and the next day is the one the page
    shows: the same instant, in that zone. Any other instant, or a page in another language (or none
    declared), unchanged."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if code not in _CENTRAL_EUROPEAN or instant.hour not in (22, 23):
        return instant
    local = instant.astimezone(CENTRAL_EUROPE)
    if local.time() != time(0):
        return instant
    return local


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
