"""WebSub discovery: the hubs (rel="hub") and the topic URL (rel="self") of a feed.

The W3C WebSub Recommendation has a subscriber look at the HTTP `Link` header first and at the
document's own links only when the header names no hub. The header is RFC 8288 "Web Linking"; its
parser is ours because the library at hand (httpx's `Response.links`) keys links by rel and so keeps
one hub of several. Plain data in, plain data out; every URL is absolute http(s) and bounded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from newsdesk.ingest.stages.parse.fields import absolute_url
from newsdesk.types import ParsedFeed

MAX_HUBS = 10  # more than any publisher advertises; bounds the work a hostile feed can ask for
MAX_HEADER = 16_384  # characters of a Link header read


def parse_link_header(value: str | None) -> list[tuple[str, frozenset[str]]]:
    """(target, rels) for each link-value of an RFC 8288 Link header, in order.

    Tolerant: a link-value that does not parse is skipped, never an error. Relation types are
    compared case-insensitively (lower-cased here); `rel="hub self"` names both.
    """
    if not value:
        return []
    found = []
    for target, params in _link_values(value[:MAX_HEADER]):
        rels = frozenset(params.get("rel", "").lower().split())
        if rels:
            found.append((target, rels))
    return found


def _link_values(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Walk the header once: `<target>` then `; name=value` parameters, link-values split by commas
    outside angle brackets and quoted strings."""
    i, n = 0, len(text)
    while i < n:
        start = text.find("<", i)
        if start < 0:
            return
        end = text.find(">", start + 1)
        if end < 0:
            return
        target = text[start + 1 : end].strip()
        params: dict[str, str] = {}
        i = end + 1
        while i < n:
            while i < n and text[i] in " \t":
                i += 1
            if i >= n or text[i] == ",":
                i += 1
                break
            if text[i] != ";":  # junk between parameters: skip to the next link-value
                comma = text.find(",", i)
                i = n if comma < 0 else comma + 1
                break
            name, value, i = _param(text, i + 1)
            if name and name not in params:  # RFC 8288: only the first occurrence of a parameter counts
                params[name] = value
        yield target, params


def _param(text: str, i: int) -> tuple[str, str, int]:
    """One `name[=value]` parameter from position i: (lower-case name, value, position after it)."""
    n = len(text)
    start = i
    while i < n and text[i] not in "=;,":
        i += 1
    name = text[start:i].strip().lower().rstrip("*")
    if i >= n or text[i] != "=":
        return name, "", i
    i += 1
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] == '"':
        chars: list[str] = []
        i += 1
        while i < n and text[i] != '"':
            if text[i] == "\\" and i + 1 < n:
                i += 1
            chars.append(text[i])
            i += 1
        return name, "".join(chars), i + 1
    start = i
    while i < n and text[i] not in ";,":
        i += 1
    return name, text[start:i].strip(), i


def hubs_and_self(
    links: Iterable[tuple[object, frozenset[str]]], base: str
) -> tuple[tuple[str, ...], str | None]:
    """The absolute hub URLs (unique, in order, at most MAX_HUBS) and the first self URL of `links`."""
    hubs: list[str] = []
    self_url: str | None = None
    for href, rels in links:
        url = absolute_url(base, href)
        if url is None:
            continue
        if "hub" in rels and url not in hubs and len(hubs) < MAX_HUBS:
            hubs.append(url)
        if "self" in rels and self_url is None:
            self_url = url
    return tuple(hubs), self_url


def with_link_header(feed: ParsedFeed, header: str | None, url: str) -> ParsedFeed:
    """The feed with the Link header's hubs and self, when the header names a hub (it wins: the
    Recommendation looks there first); the feed's own links otherwise."""
    hubs, self_url = hubs_and_self(parse_link_header(header), url)
    if not hubs:
        return feed
    return dataclasses.replace(feed, hubs=hubs, self_url=self_url or feed.self_url)
