"""Feed autodiscovery: the RSS, Atom and JSON feeds an HTML page announces. Pure; no Django.

A page names its feeds with `<link rel="alternate" type="application/rss+xml" href="...">`.
We return them absolute, best first: the specific feed types before generic XML, and comment
feeds (WordPress lists one per post) last; ties keep document order, because sites put their
main feed first.
"""

from __future__ import annotations

import lxml.etree
import lxml.html

from newsdesk.core.urls import safe_url

__all__ = ["FEED_TYPES", "find_feed_links"]

# Media type -> rank (lower is better). application/json is left out on purpose: WordPress
# announces its REST API with rel="alternate" type="application/json", and that is not a feed.
FEED_TYPES = {
    "application/rss+xml": 0,
    "application/atom+xml": 0,
    "application/feed+json": 0,
    "application/rdf+xml": 1,
    "application/x-rss+xml": 1,
    "application/x-atom+xml": 1,
    "application/xml": 2,
    "text/xml": 2,
}
_COMMENTS_PENALTY = 10
_MAX_URL = 4096


def find_feed_links(html: bytes | str, base_url: str) -> list[str]:
    """The feed URLs a page links to, absolute, best first; [] for a page with none (or no page)."""
    root = _parse(html)
    if root is None:
        return []
    base = _document_base(root, base_url)
    ranked: dict[str, int] = {}
    for link in root.iter("link"):
        rank = _rank(link)
        url = _absolute(base, link.get("href"))
        if rank is not None and url and url not in ranked:
            ranked[url] = rank
    return sorted(ranked, key=ranked.__getitem__)  # sorted() is stable: ties keep document order


def _parse(html: bytes | str) -> lxml.html.HtmlElement | None:
    """lxml's forgiving HTML parser; None for input it cannot make a document of."""
    if isinstance(html, str):
        html = html.encode("utf-8", errors="replace")  # lxml refuses str with an XML declaration
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def _rank(link: lxml.html.HtmlElement) -> int | None:
    """How good a feed this <link> announces, or None if it announces none."""
    rel = (link.get("rel") or "").lower().split()
    media_type = (link.get("type") or "").split(";", 1)[0].strip().lower()
    if "alternate" not in rel or media_type not in FEED_TYPES:
        return None
    about = f"{link.get('title') or ''} {link.get('href') or ''}".lower()
    return FEED_TYPES[media_type] + (_COMMENTS_PENALTY if "comment" in about else 0)


def _document_base(root: lxml.html.HtmlElement, base_url: str) -> str:
    """The page's own <base href>, resolved against its URL, when it has one."""
    for element in root.iter("base"):
        href = _absolute(base_url, element.get("href"))
        if href:
            return href
    return base_url


def _absolute(base: str, href: str | None) -> str | None:
    """An absolute http(s) URL (newsdesk.core.urls), or None; so is one longer than _MAX_URL."""
    if not href or len(href) > _MAX_URL:
        return None
    return safe_url(href, base)
