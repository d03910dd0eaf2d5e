"""RSS and Atom, through feedparser (with our fixes, fixes.py)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

import feedparser
import feedparser.api
from defusedxml import DefusedXmlException

from newsdesk.ingest.stages.parse.fields import (
    NOT_A_FEED,
    absolute_url,
    clean_guid,
    dicts,
    first_url,
    from_struct,
    get_field,
    is_html,
    is_image,
    language_tag,
    plain_text,
    read_enclosures,
    read_ttl,
    text_to_html,
    unique_plain,
)
from newsdesk.ingest.stages.parse.fixes import date_handler
from newsdesk.ingest.stages.parse.links import hubs_and_self
from newsdesk.ingest.stages.parse.xmlprep import ILLEGAL_XML_CHARS, prepare_xml, root_name
from newsdesk.types import Enclosure, Entry, ParsedFeed, ParseError

MAX_TAGS = 500_000  # feedparser costs ~30 µs a tag: this bounds hostile tag soup to ~15 s
# feedparser tells Netscape and UserLand RSS 0.91 apart; to a reader they are one format.
_VERSIONS = {"rss091n": "rss091", "rss091u": "rss091"}
# feedparser asks xml.sax for a parser from this list first. defusedxml's expat reader refuses
# entity declarations and external references: a backstop behind xmlprep's _drop_internal_subset().
feedparser.api.PREFERRED_XML_PARSERS = ["defusedxml.expatreader"]


def read_xml_feed(text: str, url: str, max_entries: int) -> ParsedFeed:
    text, total = _cut_after_entries(text, max_entries)
    if text.count("<") > MAX_TAGS:
        raise ParseError(f"The feed has more than {MAX_TAGS:,} tags, more than Newsdesk reads.")
    result = _run_feedparser(prepare_xml(text), url)
    version = get_field(result, "version")
    if not isinstance(version, str) or not version:
        raise ParseError(NOT_A_FEED)
    version = _VERSIONS.get(version, version)
    feed = get_field(result, "feed") or {}
    base = _detail_base(feed, "title_detail", "subtitle_detail") or url
    language = language_tag(get_field(feed, "language"))
    inherited = _fp_authors(feed) if version.startswith("atom") else ()
    raw = dicts(get_field(result, "entries"))
    entries = tuple(_fp_entry(e, base, version, inherited, language) for e in raw[:max_entries])
    hubs, self_url = hubs_and_self(_fp_links(feed), base)
    return ParsedFeed(
        format=version,
        title=_fp_title(feed),
        link=absolute_url(base, get_field(feed, "link")),
        entries=entries,
        language=language,
        ttl_minutes=read_ttl(get_field(feed, "ttl")),
        icon=first_url(
            base,
            get_field(feed, "icon"),
            get_field(get_field(feed, "image"), "href"),
            get_field(feed, "logo"),
        ),
        total_entries=max(total, len(raw)),
        hubs=hubs,
        self_url=self_url,
    )


def _fp_links(feed: Any) -> list[tuple[Any, frozenset[str]]]:
    """The feed-level links (Atom `link`, RSS `atom:link`) as (href, rels)."""
    return [
        (get_field(link, "href"), frozenset(str(get_field(link, "rel") or "").lower().split()))
        for link in dicts(get_field(feed, "links"))
    ]


# An <item> or <entry> start tag, with or without a namespace prefix.
_ENTRY_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_RDF_ROOT = re.compile(r"<([A-Za-z_][\w.-]*:)?RDF[\s>]")


def _cut_after_entries(text: str, max_entries: int) -> tuple[str, int]:
    """The feed with every entry after the first `max_entries` cut off, and how many it held.

    A feed of 100,000 items would cost feedparser half a minute and all that memory for entries we
    then drop; cutting the text first makes it cost what `max_entries` items cost. The cut document
    is closed with the root's end tags so that the strict parser still reads it.
    """
    cut_at = None
    total = 0
    for total, match in enumerate(_ENTRY_START.finditer(text), start=1):
        if total == max_entries + 1:
            cut_at = match.start()
    if cut_at is None:
        return text, total
    root = root_name(text[:cut_at][:4096])
    if root == "rss":
        closing = "</channel></rss>"
    elif root == "feed":
        closing = "</feed>"
    elif root == "rdf":
        prefix = _RDF_ROOT.search(text[:4096])
        closing = f"</{prefix.group(1) or ''}RDF>" if prefix else ""
    else:
        closing = ""
    return text[:cut_at] + closing, total


def _run_feedparser(data: bytes, url: str) -> Any:
    """feedparser on bytes we prepared; its surprises become ParseError, never a traceback."""
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": url}
    try:
        return feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    except DefusedXmlException as exc:
        raise ParseError("The feed declares XML entities, which Newsdesk refuses to expand.") from exc
    except Exception as exc:  # a library bug on hostile input must not escape the stage
        raise ParseError("The feed is too malformed to read.") from exc


def _fp_entry(
    e: dict[str, Any], feed_base: str, version: str, inherited: tuple[str, ...], feed_lang: str | None
) -> Entry:
    base = _detail_base(e, "title_detail", "summary_detail") or feed_base
    contents = dicts(get_field(e, "content"))
    published = _fp_date(e, "published")
    updated = _fp_date(e, "updated")
    if published is None and version.startswith("rss"):
        published = updated  # RSS 1.0's dc:date, which feedparser files under "updated"
    enclosures = read_enclosures(
        base,
        (
            (get_field(x, "href"), get_field(x, "type"), get_field(x, "length"))
            for x in dicts(get_field(e, "links"))
            if get_field(x, "rel") == "enclosure"
        ),
    )
    return Entry(
        guid=clean_guid(get_field(e, "id")),
        link=_fp_link(e, base),
        title=_fp_title(e),
        authors=_fp_authors(e) or inherited,
        published=published,
        updated=updated,
        summary_html=_fp_html(get_field(e, "summary_detail")),
        content_html=_fp_html(_pick_content(contents)),
        categories=unique_plain(
            [get_field(t, "label") or get_field(t, "term") for t in dicts(get_field(e, "tags"))]
        ),
        image=_fp_image(e, base, enclosures),
        enclosures=enclosures,
        language=_fp_language(e, contents) or feed_lang,
    )


def _fp_date(e: dict[str, Any], key: str) -> datetime | None:
    """feedparser's date, unless its ISO reader has misread "YYYY/..." that our handler refused."""
    raw = get_field(e, key)
    if isinstance(raw, str) and raw[:5].strip()[4:] == "/" and date_handler(raw) is None:
        return None
    return from_struct(get_field(e, f"{key}_parsed"))


def _fp_link(e: dict[str, Any], base: str) -> str | None:
    """The entry's link. A permalink guid stands in for a missing one only if it is a URL or an
    absolute path: "rl-6" is an identifier, not a page beside the feed."""
    link = get_field(e, "link")
    guid = get_field(e, "id")
    if get_field(e, "guidislink") and link == guid and isinstance(guid, str):
        return absolute_url(base, guid) if guid.strip().startswith("/") else absolute_url(None, guid)
    return absolute_url(base, link)


def _fp_title(d: dict[str, Any]) -> str:
    return plain_text(get_field(d, "title"), html=is_html(get_field(get_field(d, "title_detail"), "type")))


def _fp_authors(d: dict[str, Any]) -> tuple[str, ...]:
    return unique_plain([get_field(a, "name") for a in dicts(get_field(d, "authors"))])


def _pick_content(contents: list[dict[str, Any]]) -> dict[str, Any] | None:
    marked_up = [c for c in contents if is_html(get_field(c, "type"))]
    chosen = marked_up or contents
    return chosen[0] if chosen else None


def _fp_html(detail: Any) -> str:
    """A summary or content detail as HTML: markup as given, plain text escaped."""
    value = get_field(detail, "value")
    if not isinstance(value, str):
        return ""
    return ILLEGAL_XML_CHARS.sub("", value) if is_html(get_field(detail, "type")) else text_to_html(value)


def _fp_language(e: dict[str, Any], contents: list[dict[str, Any]]) -> str | None:
    details = [*contents[:1], get_field(e, "summary_detail"), get_field(e, "title_detail")]
    return next((lang for d in details if (lang := language_tag(get_field(d, "language")))), None)


def _fp_image(e: dict[str, Any], base: str, enclosures: tuple[Enclosure, ...]) -> str | None:
    """media:content images, then media:thumbnail, then image enclosures, then itunes:image."""
    media = [get_field(m, "url") for m in dicts(get_field(e, "media_content")) if is_image(m, "medium")]
    thumbs = [get_field(m, "url") for m in dicts(get_field(e, "media_thumbnail"))]
    pictures = [x.url for x in enclosures if is_image({"type": x.type, "url": x.url}, "type")]
    return first_url(base, *media, *thumbs, *pictures, get_field(get_field(e, "image"), "href"))


def _detail_base(d: Any, *keys: str) -> str | None:
    """The xml:base in force for an element, which feedparser keeps on its *_detail dicts."""
    for key in keys:
        base = get_field(get_field(d, key), "base")
        if isinstance(base, str) and base.startswith(("http://", "https://")):
            return base
    return None
