"""The parse stage: feed bytes in, a ParsedFeed out. No Django, no I/O.

RSS and Atom go through feedparser; JSON Feed goes through a small reader of our own, because
feedparser 6 does not read JSON Feed at all (docs/decisions/0003-feed-parsing.md). We decode the
bytes ourselves first, because feedparser trusts a declared encoding that decodes without error
(so UTF-8 declared as ISO-8859-1 comes out as mojibake). The bytes come from strangers and are
fuzzed in tests: every failure is a ParseError with one plain sentence, and nothing else escapes.
"""

from __future__ import annotations

import codecs
import html
import io
import json
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import feedparser.api
from defusedxml import DefusedXmlException
from feedparser.urls import resolve_relative_uris

from newsdesk.ingest.types import Enclosure, Entry, ParsedFeed, ParseError

__all__ = ["MAX_FEED_BYTES", "MAX_TAGS", "looks_like_feed", "parse_feed"]

# feedparser asks xml.sax for a parser from this list first. defusedxml's expat reader refuses
# entity declarations and external references: a backstop behind _drop_internal_subset().
feedparser.api.PREFERRED_XML_PARSERS = ["defusedxml.expatreader"]

MAX_FEED_BYTES = 16 * 1024 * 1024  # more than any real feed (fetch stops at 10 MB); bounds memory
MAX_TAGS = 500_000  # feedparser costs ~30 µs a tag: this bounds hostile tag soup to ~15 s
MAX_TITLE = 1000
MAX_NAME = 200  # an author or a category
MAX_URL = 4096
MAX_LIST = 50  # authors, categories or enclosures of one entry

NOT_A_FEED = "The response is not an RSS, Atom or JSON feed."
WEB_PAGE = "The response is a web page, not an RSS, Atom or JSON feed."
_HTML_ROOTS = frozenset({"html", "head", "body", "title", "meta", "div", "p"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
_JSON_TYPES = frozenset({"application/feed+json", "application/json", "text/json"})
# feedparser tells Netscape and UserLand RSS 0.91 apart; to a reader they are one format.
_VERSIONS = {"rss091n": "rss091", "rss091u": "rss091"}
_JSON_VERSION = re.compile(r"https?://jsonfeed\.org/version/(\d{1,3})(?:\.(\d{1,3}))?/?")


def parse_feed(
    content: bytes,
    *,
    url: str,
    content_type: str | None = None,
    charset: str | None = None,
    max_entries: int = 200,
) -> ParsedFeed:
    """Read an RSS, Atom or JSON feed. Raises ParseError, and only ParseError, for anything else."""
    if not content or not content.strip():
        raise ParseError("The response is empty, so there is no feed to read.")
    if len(content) > MAX_FEED_BYTES:
        raise ParseError(f"The feed is larger than {MAX_FEED_BYTES >> 20} MB, more than Newsdesk reads.")
    text = _decode(content, charset)
    first = text.lstrip("\ufeff \t\r\n")[:1]
    limit = max(0, max_entries)
    if first == "{" or (first != "<" and _media_type(content_type) in _JSON_TYPES):
        return _json_feed(text, url, limit)
    if _root_name(text[:4096]) in _HTML_ROOTS:
        raise ParseError(WEB_PAGE)
    return _xml_feed(text, url, limit)


def looks_like_feed(content: bytes, content_type: str | None) -> bool:
    """A cheap sniff of the first bytes, for autodiscovery: is this a feed rather than a page?"""
    head = _decode(content[:4096], None).lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        feed_json = _media_type(content_type) == "application/feed+json"
        return feed_json or b"jsonfeed.org/version" in content[:65536]
    name = _root_name(head)
    if name == "rdf":
        return "purl.org/rss/1.0" in head or "netscape.com/rdf/simple/0.9" in head
    return name in _FEED_ROOTS


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


# ---- bytes to text ---------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
# What a declared name really means on the web: browsers read Latin-1 and ASCII as windows-1252.
_WIDER = {"iso8859-1": ("cp1252", "latin-1"), "ascii": ("cp1252", "latin-1"), "gb2312": ("gb18030",)}


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode each byte that is not UTF-8 as windows-1252: mixed or mis-declared feeds read right."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("newsdesk-cp1252", _cp1252_fallback)


def _decode(content: bytes, charset: str | None) -> str:
    """The text of a feed: BOM first, then the HTTP charset, then the XML declaration, then UTF-8.

    A legacy charset loses to bytes that are valid UTF-8 (servers label everything ISO-8859-1);
    a declared UTF-8 that does not decode is read byte by byte as windows-1252.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content.decode(encoding, errors="replace")
    wide = _sniff_wide(content[:4])
    if wide:
        return content.decode(wide, errors="replace")
    candidates = _candidates(charset, content[:1024])
    if candidates[0] != "utf-8" and not content.isascii():
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for encoding in candidates:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    if candidates[0] == "utf-8":
        return content.decode("utf-8", errors="newsdesk-cp1252")
    return content.decode(candidates[0], errors="replace")


def _sniff_wide(head: bytes) -> str | None:
    """UTF-16 or UTF-32 without a BOM, told by where the zero bytes fall around '<' or '{'."""
    if len(head) < 4 or 0 not in head:
        return None
    zeros = (head[0] == 0, head[1] == 0, head[2] == 0, head[3] == 0)
    return {
        (False, True, False, True): "utf-16-le",
        (True, False, True, False): "utf-16-be",
        (False, True, True, True): "utf-32-le",
        (True, True, True, False): "utf-32-be",
    }.get(zeros)


def _candidates(charset: str | None, head: bytes) -> list[str]:
    """Encodings to try, best first, each a working Python text codec, ending with UTF-8."""
    match = _XML_ENCODING.match(head)
    declared = match[1].decode("ascii") if match else None
    found: list[str] = []
    for name in (charset, declared, "utf-8"):
        for encoding in _codecs_for(name):
            if encoding not in found:
                found.append(encoding)
    return found


def _codecs_for(name: str | None) -> tuple[str, ...]:
    try:
        canonical = codecs.lookup((name or "").strip()).name
        b"<".decode(canonical)  # rejects bytes-to-bytes codecs such as zlib or hex
    except (LookupError, ValueError, UnicodeError):
        return ()
    if canonical.startswith(("utf-16", "utf-32")) or canonical == "utf-7":
        return ("utf-8",)  # no BOM and no zero bytes: the label is wrong, and UTF-7 is a hazard
    return _WIDER.get(canonical, (canonical,))


# ---- text to feedparser's input ----------------------------------------------------------------

# Characters XML 1.0 forbids, and lone surrogates (from JSON escapes); PostgreSQL rejects NUL.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"<\?xml[^>]*>")
_DOCTYPE = re.compile(r"<!DOCTYPE\b")
_ELEMENT_START = re.compile(r"<[A-Za-z_]")
_DTD_MARK = re.compile(r"[\"'\[\]>]|<!--")
_DTD_SCAN_LIMIT = 256 * 1024  # real internal subsets are a few lines


def _prepare_xml(text: str) -> bytes:
    """UTF-8 bytes with one fresh declaration, no forbidden characters and no internal DTD subset."""
    text = _ILLEGAL.sub("", text).lstrip("\ufeff \t\r\n")
    declaration = _XML_DECLARATION.match(text)
    if declaration:
        text = text[declaration.end() :]
    text = _drop_internal_subset(text)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8")


def _drop_internal_subset(text: str) -> str:
    """Remove the `[...]` of a DOCTYPE, where entities are declared, so none is ever expanded.

    The DOCTYPE itself stays (feedparser reads "rss091n" from it); undeclared entity references
    then send feedparser to its lenient parser, which leaves them as they are.
    """
    doctype = _DOCTYPE.search(text, 0, 65536)
    if not doctype or _ELEMENT_START.search(text, 0, doctype.start()):
        return text
    opened, position, stop = None, doctype.end(), doctype.end() + _DTD_SCAN_LIMIT
    while (mark := _DTD_MARK.search(text, position, stop)) is not None:
        found, position = mark.group(), mark.end()
        if found in ('"', "'", "<!--"):
            close = text.find("-->" if found == "<!--" else found, position, stop)
            if close < 0:
                return text  # malformed: expat fails on it, and the defused parser is the backstop
            position = close + (3 if found == "<!--" else 1)
        elif found == ">" and opened is None:
            return text
        elif found == "[" and opened is None:
            opened = mark.start()
        elif found == "]" and opened is not None:
            return text[:opened] + text[position:]
    return text


def _root_name(head: str) -> str | None:
    """The local name of the first element, lower case, skipping declarations and comments."""
    position = 0
    while True:
        start = head.find("<", position)
        if start < 0 or start + 1 >= len(head):
            return None
        if head.startswith("<!--", start):
            end = head.find("-->", start)
            position = len(head) if end < 0 else end + 3
        elif head[start + 1] in "?!":
            position = start + 2
        else:
            name = re.match(r"[A-Za-z_][\w.:-]*", head[start + 1 : start + 101])
            return name.group().rsplit(":", 1)[-1].lower() if name else None


# ---- authors feedparser gets wrong -------------------------------------------------------------

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


# ---- dates feedparser gets wrong ---------------------------------------------------------------

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


def _date_handler(value: str) -> time.struct_time | None:
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
            return _utc(parsedate_to_datetime(f"{named[1]} {_ZONES[named[2]]}")).utctimetuple()
        if _RFC850.fullmatch(text):
            return _utc(parsedate_to_datetime(text)).utctimetuple()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return None


def _utc(moment: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is taken to be UTC already (never the machine's zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


feedparser.registerDateHandler(_date_handler)


# ---- RSS and Atom, through feedparser ---------------------------------------------------------


def _xml_feed(text: str, url: str, max_entries: int) -> ParsedFeed:
    text, total = _cut_after_entries(text, max_entries)
    if text.count("<") > MAX_TAGS:
        raise ParseError(f"The feed has more than {MAX_TAGS:,} tags, more than Newsdesk reads.")
    result = _run_feedparser(_prepare_xml(text), url)
    version = _get(result, "version")
    if not isinstance(version, str) or not version:
        raise ParseError(NOT_A_FEED)
    version = _VERSIONS.get(version, version)
    feed = _get(result, "feed") or {}
    base = _detail_base(feed, "title_detail", "subtitle_detail") or url
    language = _language(_get(feed, "language"))
    inherited = _fp_authors(feed) if version.startswith("atom") else ()
    raw = _dicts(_get(result, "entries"))
    entries = tuple(_fp_entry(e, base, version, inherited, language) for e in raw[:max_entries])
    return ParsedFeed(
        format=version,
        title=_fp_title(feed),
        link=_absolute(base, _get(feed, "link")),
        entries=entries,
        language=language,
        ttl_minutes=_ttl(_get(feed, "ttl")),
        icon=_first_url(base, _get(feed, "icon"), _get(_get(feed, "image"), "href"), _get(feed, "logo")),
        total_entries=max(total, len(raw)),
    )


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
    root = _root_name(text[:cut_at][:4096])
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
    contents = _dicts(_get(e, "content"))
    published = _fp_date(e, "published")
    updated = _fp_date(e, "updated")
    if published is None and version.startswith("rss"):
        published = updated  # RSS 1.0's dc:date, which feedparser files under "updated"
    enclosures = _enclosures(
        base,
        (
            (_get(x, "href"), _get(x, "type"), _get(x, "length"))
            for x in _dicts(_get(e, "links"))
            if _get(x, "rel") == "enclosure"
        ),
    )
    return Entry(
        guid=_guid(_get(e, "id")),
        link=_fp_link(e, base),
        title=_fp_title(e),
        authors=_fp_authors(e) or inherited,
        published=published,
        updated=updated,
        summary_html=_fp_html(_get(e, "summary_detail")),
        content_html=_fp_html(_pick_content(contents)),
        categories=_unique_plain([_get(t, "label") or _get(t, "term") for t in _dicts(_get(e, "tags"))]),
        image=_fp_image(e, base, enclosures),
        enclosures=enclosures,
        language=_fp_language(e, contents) or feed_lang,
    )


def _fp_date(e: dict[str, Any], key: str) -> datetime | None:
    """feedparser's date, unless its ISO reader has misread "YYYY/..." that our handler refused."""
    raw = _get(e, key)
    if isinstance(raw, str) and raw[:5].strip()[4:] == "/" and _date_handler(raw) is None:
        return None
    return _from_struct(_get(e, f"{key}_parsed"))


def _fp_link(e: dict[str, Any], base: str) -> str | None:
    """The entry's link. A permalink guid stands in for a missing one only if it is a URL or an
    absolute path: "rl-6" is an identifier, not a page beside the feed."""
    link = _get(e, "link")
    guid = _get(e, "id")
    if _get(e, "guidislink") and link == guid and isinstance(guid, str):
        return _absolute(base, guid) if guid.strip().startswith("/") else _absolute(None, guid)
    return _absolute(base, link)


def _fp_title(d: dict[str, Any]) -> str:
    return _plain(_get(d, "title"), html=_is_html(_get(_get(d, "title_detail"), "type")))


def _fp_authors(d: dict[str, Any]) -> tuple[str, ...]:
    return _unique_plain([_get(a, "name") for a in _dicts(_get(d, "authors"))])


def _pick_content(contents: list[dict[str, Any]]) -> dict[str, Any] | None:
    marked_up = [c for c in contents if _is_html(_get(c, "type"))]
    chosen = marked_up or contents
    return chosen[0] if chosen else None


def _fp_html(detail: Any) -> str:
    """A summary or content detail as HTML: markup as given, plain text escaped."""
    value = _get(detail, "value")
    if not isinstance(value, str):
        return ""
    return _ILLEGAL.sub("", value) if _is_html(_get(detail, "type")) else _text_to_html(value)


def _fp_language(e: dict[str, Any], contents: list[dict[str, Any]]) -> str | None:
    details = [*contents[:1], _get(e, "summary_detail"), _get(e, "title_detail")]
    return next((lang for d in details if (lang := _language(_get(d, "language")))), None)


def _fp_image(e: dict[str, Any], base: str, enclosures: tuple[Enclosure, ...]) -> str | None:
    """media:content images, then media:thumbnail, then image enclosures, then itunes:image."""
    media = [_get(m, "url") for m in _dicts(_get(e, "media_content")) if _is_image(m, "medium")]
    thumbs = [_get(m, "url") for m in _dicts(_get(e, "media_thumbnail"))]
    pictures = [x.url for x in enclosures if _is_image({"type": x.type, "url": x.url}, "type")]
    return _first_url(base, *media, *thumbs, *pictures, _get(_get(e, "image"), "href"))


def _detail_base(d: Any, *keys: str) -> str | None:
    """The xml:base in force for an element, which feedparser keeps on its *_detail dicts."""
    for key in keys:
        base = _get(_get(d, key), "base")
        if isinstance(base, str) and base.startswith(("http://", "https://")):
            return base
    return None


# ---- JSON Feed, our own reader ----------------------------------------------------------------


def _json_feed(text: str, url: str, max_entries: int) -> ParsedFeed:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ParseError("The response looks like JSON but is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise ParseError(NOT_A_FEED)
    version = data.get("version")
    match = _JSON_VERSION.fullmatch(version) if isinstance(version, str) else None
    if not match:
        raise ParseError("The JSON is not a JSON Feed: it has no jsonfeed.org version.")
    language = _language(data.get("language"))
    authors = _json_authors(data)
    items = _dicts(data.get("items"))
    return ParsedFeed(
        format=f"json{match[1]}{match[2] or '0'}",
        title=_plain(data.get("title"), html=False),
        link=_absolute(url, data.get("home_page_url")),
        entries=tuple(_json_entry(item, url, authors, language) for item in items[:max_entries]),
        language=language,
        icon=_first_url(url, data.get("favicon"), data.get("icon")),
        total_entries=len(items),
    )


def _json_entry(item: dict[str, Any], base: str, authors: tuple[str, ...], language: str | None) -> Entry:
    attachments = _dicts(item.get("attachments"))
    tags = item.get("tags")
    return Entry(
        guid=_guid(item.get("id")),
        link=_first_url(base, item.get("url"), item.get("external_url")),
        title=_plain(item.get("title"), html=False),
        authors=_json_authors(item) or authors,
        published=_iso_date(item.get("date_published")),
        updated=_iso_date(item.get("date_modified")),
        summary_html=_text_to_html(item.get("summary")),
        content_html=_json_content(item, base),
        categories=_unique_plain(tags if isinstance(tags, list) else []),
        image=_first_url(base, item.get("image"), item.get("banner_image")),
        enclosures=_enclosures(
            base, ((a.get("url"), a.get("mime_type"), a.get("size_in_bytes")) for a in attachments)
        ),
        language=_language(item.get("language")) or language,
    )


def _json_content(item: dict[str, Any], base: str) -> str:
    """content_html with its links made absolute (as feedparser does for RSS), else content_text."""
    markup = item.get("content_html")
    if not isinstance(markup, str) or not markup.strip():
        return _text_to_html(item.get("content_text"))
    try:
        resolved = resolve_relative_uris(markup, base, "utf-8", "text/html")
    except Exception:  # feedparser's HTML tokenizer on hostile markup: keep the markup as given
        resolved = markup
    return _ILLEGAL.sub("", resolved)


def _json_authors(d: dict[str, Any]) -> tuple[str, ...]:
    """JSON Feed 1.1 `authors`, or 1.0's single `author`."""
    people = _dicts(d.get("authors")) or _dicts([d.get("author")])
    return _unique_plain([p.get("name") for p in people])


# ---- small helpers: plain data in, plain data out ----------------------------------------------

_TAG = re.compile(r"<[^<>]*>")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,5}")
_DIGITS = re.compile(r"[0-9]{1,15}")
_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.IGNORECASE)


def _get(d: Any, key: str) -> Any:
    """dict.get that ignores FeedParserDict's aliases (its "updated" falls back to "published")."""
    return dict.get(d, key) if isinstance(d, dict) else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _plain(value: Any, *, html: bool, limit: int = MAX_TITLE) -> str:
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


def _unique_plain(values: Iterable[Any]) -> tuple[str, ...]:
    """Plain-text names, de-duplicated regardless of case, in order, at most MAX_LIST."""
    seen: dict[str, str] = {}
    for value in values:
        name = _plain(value, html=False, limit=MAX_NAME)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
            if len(seen) == MAX_LIST:
                break
    return tuple(seen.values())


def _text_to_html(value: Any) -> str:
    """Plain text as HTML paragraphs, escaped."""
    if not isinstance(value, str) or not value.strip():
        return ""
    paragraphs = re.split(r"\n\s*\n", _ILLEGAL.sub("", value).strip())
    return "\n".join(f"<p>{html.escape(p.strip(), quote=False)}</p>" for p in paragraphs if p.strip())


def _is_html(content_type: Any) -> bool:
    return isinstance(content_type, str) and "html" in content_type


def _is_image(media: dict[str, Any], kind: str) -> bool:
    """An image by its medium or MIME type, or failing both, by the extension of its path."""
    declared = _get(media, kind) or _get(media, "type")
    if isinstance(declared, str) and declared:
        return declared == "image" or declared.startswith("image/")
    url = _get(media, "url")
    return isinstance(url, str) and bool(_IMAGE_PATH.search(url.split("?", 1)[0]))


def _absolute(base: str | None, href: Any) -> str | None:
    """An absolute http(s) URL, or None: relative ones resolved, javascript: and the like dropped."""
    if not isinstance(href, str):
        return None
    href = href.strip()
    if not href or len(href) > MAX_URL or _CONTROL.search(href):
        return None
    try:
        url = urljoin(base or "", href).replace(" ", "%20")
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def _first_url(base: str | None, *hrefs: Any) -> str | None:
    return next((url for href in hrefs if (url := _absolute(base, href))), None)


def _enclosures(base: str, raw: Iterable[tuple[Any, Any, Any]]) -> tuple[Enclosure, ...]:
    """(url, type, length) triples as Enclosures: absolute, de-duplicated, at most MAX_LIST."""
    found: dict[str, Enclosure] = {}
    for href, media_type, length in raw:
        url = _absolute(base, href)
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


def _guid(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    guid = _CONTROL.sub("", value).strip()
    return guid[:MAX_URL] or None


def _language(value: Any) -> str | None:
    """A BCP 47-looking tag ("en", "pt-BR"), or None for anything else."""
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-")
    return tag if _LANGUAGE.fullmatch(tag) else None


def _ttl(value: Any) -> int | None:
    """RSS <ttl> in minutes: a positive whole number up to a year, else None."""
    text = value.strip() if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(text):
        return None
    minutes = int(text)
    return minutes if 0 < minutes <= 525_600 else None


def _from_struct(value: Any) -> datetime | None:
    """feedparser's UTC time.struct_time as an aware datetime; None when it makes no date."""
    try:
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _iso_date(value: Any) -> datetime | None:
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
        return _utc(parsed)
    except (ValueError, OverflowError):
        return None
