"""JSON Feed 1.0 and 1.1, our own reader: feedparser 6 does not read JSON Feed at all
(docs/decisions/0003-feed-parsing.md)."""

from __future__ import annotations

import json
import re
from typing import Any

from feedparser.urls import resolve_relative_uris

from newsdesk.ingest.stages.parse.fields import (
    NOT_A_FEED,
    absolute_url,
    clean_guid,
    dicts,
    first_url,
    iso_date,
    language_tag,
    plain_text,
    read_enclosures,
    text_to_html,
    unique_plain,
)
from newsdesk.ingest.stages.parse.links import hubs_and_self
from newsdesk.ingest.stages.parse.xmlprep import ILLEGAL_XML_CHARS
from newsdesk.types import Entry, ParsedFeed, ParseError

_JSON_VERSION = re.compile(r"https?://jsonfeed\.org/version/(\d{1,3})(?:\.(\d{1,3}))?/?")


def read_json_feed(text: str, url: str, max_entries: int) -> ParsedFeed:
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
    language = language_tag(data.get("language"))
    authors = _json_authors(data)
    items = dicts(data.get("items"))
    hubs, self_url = hubs_and_self(_json_links(data), url)
    return ParsedFeed(
        format=f"json{match[1]}{match[2] or '0'}",
        title=plain_text(data.get("title"), html=False),
        link=absolute_url(url, data.get("home_page_url")),
        entries=tuple(_json_entry(item, url, authors, language) for item in items[:max_entries]),
        language=language,
        icon=first_url(url, data.get("favicon"), data.get("icon")),
        total_entries=len(items),
        hubs=hubs,
        self_url=self_url,
    )


# JSON Feed's `hubs` name their protocol; WebSub's older name was PubSubHubbub.
_WEBSUB_TYPES = frozenset({"websub", "pubsubhubbub"})


def _json_links(data: dict[str, Any]) -> list[tuple[Any, frozenset[str]]]:
    """`feed_url` as the self link, and each WebSub entry of `hubs` as a hub."""
    links: list[tuple[Any, frozenset[str]]] = [(data.get("feed_url"), frozenset({"self"}))]
    for hub in dicts(data.get("hubs")):
        kind = hub.get("type")
        if isinstance(kind, str) and kind.strip().lower() in _WEBSUB_TYPES:
            links.append((hub.get("url"), frozenset({"hub"})))
    return links


def _json_entry(item: dict[str, Any], base: str, authors: tuple[str, ...], language: str | None) -> Entry:
    attachments = dicts(item.get("attachments"))
    tags = item.get("tags")
    return Entry(
        guid=clean_guid(item.get("id")),
        link=first_url(base, item.get("url"), item.get("external_url")),
        title=plain_text(item.get("title"), html=False),
        authors=_json_authors(item) or authors,
        published=iso_date(item.get("date_published")),
        updated=iso_date(item.get("date_modified")),
        summary_html=text_to_html(item.get("summary")),
        content_html=_json_content(item, base),
        categories=unique_plain(tags if isinstance(tags, list) else []),
        image=first_url(base, item.get("image"), item.get("banner_image")),
        enclosures=read_enclosures(
            base, ((a.get("url"), a.get("mime_type"), a.get("size_in_bytes")) for a in attachments)
        ),
        language=language_tag(item.get("language")) or language,
    )


def _json_content(item: dict[str, Any], base: str) -> str:
    """content_html with its links made absolute (as feedparser does for RSS), else content_text."""
    markup = item.get("content_html")
    if not isinstance(markup, str) or not markup.strip():
        return text_to_html(item.get("content_text"))
    try:
        resolved = resolve_relative_uris(markup, base, "utf-8", "text/html")
    except Exception:  # feedparser's HTML tokenizer on hostile markup: keep the markup as given
        resolved = markup
    return ILLEGAL_XML_CHARS.sub("", resolved)


def _json_authors(d: dict[str, Any]) -> tuple[str, ...]:
    """JSON Feed 1.1 `authors`, or 1.0's single `author`."""
    people = dicts(d.get("authors")) or dicts([d.get("author")])
    return unique_plain([p.get("name") for p in people])
