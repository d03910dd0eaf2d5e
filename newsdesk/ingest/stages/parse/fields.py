"""Small helpers for feed fields: plain data in, plain data out. Every string is bounded and cleaned."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from newsdesk.core.urls import safe_url
from newsdesk.ingest.stages.parse.xmlprep import ILLEGAL_XML_CHARS
from newsdesk.types import Enclosure

MAX_TITLE = 1000
MAX_NAME = 200  # an author or a category
MAX_URL = 4096
MAX_LIST = 50  # authors, categories or enclosures of one entry
NOT_A_FEED = "The response is not an RSS, Atom or JSON feed."

_TAG = re.compile(r"<[^<>]*>")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,5}")
_DIGITS = re.compile(r"[0-9]{1,15}")
_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.IGNORECASE)


def get_field(d: Any, key: str) -> Any:
    """dict.get that ignores FeedParserDict's aliases (its "updated" falls back to "published")."""
    return dict.get(d, key) if isinstance(d, dict) else None


def dicts(value: Any) -> list[dict[str, Any]]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def plain_text(value: Any, *, html: bool, limit: int = MAX_TITLE) -> str:
    """Plain text: tags stripped (if HTML), entities unescaped, whitespace collapsed, capped."""
    if not isinstance(value, str):
        return ""
    text = value[: limit * 64]  # a megabyte title costs no more than this
    if html:
        text = _TAG.sub(" ", text)
    text = " ".join(_CONTROL.sub(" ", _unescape(text)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def unique_plain(values: Iterable[Any]) -> tuple[str, ...]:
    """Plain-text names, de-duplicated regardless of case, in order, at most MAX_LIST."""
    seen: dict[str, str] = {}
    for value in values:
        name = plain_text(value, html=False, limit=MAX_NAME)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
            if len(seen) == MAX_LIST:
                break
    return tuple(seen.values())


def text_to_html(value: Any) -> str:
    """Plain text as HTML paragraphs, escaped."""
    if not isinstance(value, str) or not value.strip():
        return ""
    paragraphs = re.split(r"\n\s*\n", ILLEGAL_XML_CHARS.sub("", value).strip())
    return "\n".join(f"<p>{html.escape(p.strip(), quote=False)}</p>" for p in paragraphs if p.strip())


def is_html(content_type: Any) -> bool:
    return isinstance(content_type, str) and "html" in content_type


def is_image(media: dict[str, Any], kind: str) -> bool:
    """An image by its medium or MIME type, or failing both, by the extension of its path."""
    declared = get_field(media, kind) or get_field(media, "type")
    if isinstance(declared, str) and declared:
        return declared == "image" or declared.startswith("image/")
    url = get_field(media, "url")
    return isinstance(url, str) and bool(_IMAGE_PATH.search(url.split("?", 1)[0]))


def absolute_url(base: str | None, href: Any) -> str | None:
    """An absolute http(s) URL (newsdesk.core.urls), relative ones resolved; None past MAX_URL."""
    if not isinstance(href, str) or len(href) > MAX_URL:
        return None
    return safe_url(href, base)


def first_url(base: str | None, *hrefs: Any) -> str | None:
    return next((url for href in hrefs if (url := absolute_url(base, href))), None)


def read_enclosures(base: str, raw: Iterable[tuple[Any, Any, Any]]) -> tuple[Enclosure, ...]:
    """(url, type, length) triples as Enclosures: absolute, de-duplicated, at most MAX_LIST."""
    found: dict[str, Enclosure] = {}
    for href, media_type, length in raw:
        url = absolute_url(base, href)
        if url and url not in found:
            kind = media_type.strip().lower()[:100] if isinstance(media_type, str) else ""
            found[url] = Enclosure(url=url, type=kind or None, length=_size(length))
            if len(found) == MAX_LIST:
                break
    return tuple(found.values())


def _size(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    return value if isinstance(value, int) and 0 < value < 10**15 else None


def clean_guid(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    guid = _CONTROL.sub("", value).strip()
    return guid[:MAX_URL] or None


def language_tag(value: Any) -> str | None:
    """A BCP 47-looking tag ("en", "pt-BR"), or None for anything else."""
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-")
    return tag if _LANGUAGE.fullmatch(tag) else None


def read_ttl(value: Any) -> int | None:
    """RSS <ttl> in minutes: a positive whole number up to a year, else None."""
    text = value.strip() if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(text):
        return None
    minutes = int(text)
    return minutes if 0 < minutes <= 525_600 else None


def from_struct(value: Any) -> datetime | None:
    """feedparser's UTC time.struct_time as an aware datetime; None when it makes no date."""
    try:
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def iso_date(value: Any) -> datetime | None:
    """An RFC 3339 date (JSON Feed's form), or failing that RFC 822; naive ones are UTC."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return as_utc(parsed)
    except (ValueError, OverflowError):
        return None


def as_utc(moment: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is taken to be UTC already (never the machine's zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
