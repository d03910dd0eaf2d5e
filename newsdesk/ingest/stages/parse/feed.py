"""parse_feed and looks_like_feed: which reader a feed goes to, and what is refused before any reader
runs (an empty body, an oversized one, a web page). No Django, no I/O."""

from __future__ import annotations

from newsdesk.ingest.stages.parse.decode import decode_text
from newsdesk.ingest.stages.parse.jsonfeed import read_json_feed
from newsdesk.ingest.stages.parse.links import with_link_header
from newsdesk.ingest.stages.parse.rss_atom import read_xml_feed
from newsdesk.ingest.stages.parse.xmlprep import root_name
from newsdesk.types import ParsedFeed, ParseError

MAX_FEED_BYTES = 16 * 1024 * 1024  # more than any real feed (fetch stops at 10 MB); bounds memory

WEB_PAGE = "The response is a web page, not an RSS, Atom or JSON feed."
_HTML_ROOTS = frozenset({"html", "head", "body", "title", "meta", "div", "p"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
_JSON_TYPES = frozenset({"application/feed+json", "application/json", "text/json"})


def parse_feed(
    content: bytes,
    *,
    url: str,
    content_type: str | None = None,
    charset: str | None = None,
    max_entries: int = 200,
    link_header: str | None = None,
) -> ParsedFeed:
    """Read an RSS, Atom or JSON feed. Raises ParseError, and only ParseError, for anything else.

    `link_header` is the response's HTTP Link header, where WebSub hubs are looked for first.
    """
    if not content or not content.strip():
        raise ParseError("The response is empty, so there is no feed to read.")
    if len(content) > MAX_FEED_BYTES:
        raise ParseError(f"The feed is larger than {MAX_FEED_BYTES >> 20} MB, more than Newsdesk reads.")
    text = decode_text(content, charset)
    first = text.lstrip("\ufeff \t\r\n")[:1]
    limit = max(0, max_entries)
    if first == "{" or (first != "<" and _media_type(content_type) in _JSON_TYPES):
        return with_link_header(read_json_feed(text, url, limit), link_header, url)
    if root_name(text[:4096]) in _HTML_ROOTS:
        raise ParseError(WEB_PAGE)
    return with_link_header(read_xml_feed(text, url, limit), link_header, url)


def looks_like_feed(content: bytes, content_type: str | None) -> bool:
    """A cheap sniff of the first bytes, for autodiscovery: is this a feed rather than a page?"""
    head = decode_text(content[:4096], None).lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        feed_json = _media_type(content_type) == "application/feed+json"
        return feed_json or b"jsonfeed.org/version" in content[:65536]
    name = root_name(head)
    if name == "rdf":
        return "purl.org/rss/1.0" in head or "netscape.com/rdf/simple/0.9" in head
    return name in _FEED_ROOTS


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()
