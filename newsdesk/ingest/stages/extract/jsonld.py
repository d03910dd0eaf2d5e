"""The article's own JSON-LD object, and its dates and headline.

A page's JSON-LD often holds several objects that carry a `datePublished`: a Yoast-style `@graph` with
the WebSite, the WebPage and the Article side by side, an Article nested in a WebPage's `mainEntity`,
a list of related stories, a video or a comment with dates of their own. The story's dates are those
of the shallowest object whose type is an article (`NewsArticle`, `BlogPosting`, `ReportageNews`, …),
then of a web page object, then of any other top-level object but a media file (a recipe, a review);
a date of anything else (a video, an item of a list, a review inside a recipe) is not the story's.
`datePublished` first, `dateCreated` when the object has no `datePublished`; `dateModified` is kept
apart. Scripts that are not valid JSON (common) are read by pattern instead, as before. The
headline is that of the same ranking's first object that has one: the article's, not the WebSite's
or a related story's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_ARTICLE_TYPE = re.compile(r"(Article|Posting|^Report|^ReportageNews)$")
_PAGE_TYPE = re.compile(r"Page$")
_MEDIA_TYPE = re.compile(r"^(Video|Image|Audio|Media)Object$|^Clip$")
_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
_MODIFIED = re.compile(r'"dateModified"\s*:\s*"([^"]{8,40})"')
# Keys whose values are other things than the page's story: related items, parts, reviews, comments.
_ELSEWHERE = frozenset(
    {"itemListElement", "hasPart", "relatedLink", "review", "reviews", "comment", "citation", "video"}
)
MAX_DEPTH = 6
MAX_NESTING = 32  # lists and graphs within lists and graphs too: no real page comes near


@dataclass(frozen=True)
class JsonLdDates:
    published: str | None = None
    modified: str | None = None
    headline: str | None = None  # the `headline` of the best-ranked object that has one


def _types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _objects(value: Any, depth: int = 0, nesting: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every JSON object with its depth; a `@graph`'s members count as top level. `nesting` counts every
    level, lists and graphs too, so a hostile script nested thousands deep ends early."""
    if depth > MAX_DEPTH or nesting > MAX_NESTING:
        return
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, depth, nesting + 1)
    elif isinstance(value, dict):
        yield depth, value
        for name, child in value.items():
            if name == "@graph":
                yield from _objects(child, depth, nesting + 1)
            elif name not in _ELSEWHERE and isinstance(child, dict | list):
                yield from _objects(child, depth + 1, nesting + 1)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def article_dates(scripts: list[str]) -> JsonLdDates:
    """The story's dates from the page's JSON-LD scripts (their text)."""
    ranked: list[tuple[int, int, int, dict[str, Any]]] = []
    broken: list[str] = []
    dated = False
    for script in scripts:
        has_date = "datePublished" in script or "dateCreated" in script
        if not has_date and '"headline"' not in script:
            continue  # a breadcrumb, the outlet, a search box: nothing to read
        try:
            data = json.loads(script, strict=False)
        except (ValueError, RecursionError):  # broken, or nested deeper than Python's stack
            if has_date:
                broken.append(script)
            continue
        for depth, item in _objects(data):
            kinds = _types(item)
            if any(_ARTICLE_TYPE.search(k) for k in kinds):
                rank = 0
            elif any(_PAGE_TYPE.search(k) for k in kinds):
                rank = 1
            elif depth == 0 and kinds and not any(_MEDIA_TYPE.search(k) for k in kinds):
                rank = 2  # a recipe, a review, a creative work: the page's own subject
            else:
                continue
            ranked.append((rank, depth, len(ranked), item))
            dated = dated or has_date
    ordered = [item for _, _, _, item in sorted(ranked, key=lambda entry: entry[:3])]
    headline = next((h for h in (_text(item.get("headline")) for item in ordered) if h), None)
    for item in ordered:
        published = _text(item.get("datePublished")) or _text(item.get("dateCreated"))
        if published:
            return JsonLdDates(published, _text(item.get("dateModified")), headline)
    # Only invalid scripts, or no typed object with a date: the first date written anywhere.
    text = " ".join(broken) if dated else " ".join(scripts)
    found, changed = _DATE.search(text), _MODIFIED.search(text)
    return JsonLdDates(found.group(1) if found else None, changed.group(1) if changed else None, headline)
