"""Links in a block or an article: where they point, and how much of the text they are. Pure."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

# Share buttons and profile links point at these; they are not spam, only furniture.
SOCIAL_HOSTS = frozenset(
    {"facebook.com", "twitter.com", "x.com", "linkedin.com", "instagram.com", "pinterest.com", "reddit.com",
     "youtube.com", "tiktok.com", "threads.net", "bsky.app", "mastodon.social", "whatsapp.com", "wa.me",
     "t.me", "telegram.me", "flipboard.com", "tumblr.com", "vk.com", "line.me", "getpocket.com"}
)  # fmt: skip


@dataclass(frozen=True)
class Link:
    host: str  # registrable-ish domain, lower case, without "www."; "" for relative or odd links
    text: str
    outbound: bool  # to another site than the page's (and not a social network)


def site_of(host: str | None) -> str:
    """A host reduced to the part that names the site: "www.news.example.co.uk" -> "example.co.uk"."""
    name = (host or "").lower().strip(".")
    if name.startswith("www."):
        name = name[4:]
    parts = name.split(".")
    if (
        len(parts) >= 3
        and len(parts[-1]) == 2
        and parts[-2] in {"co", "com", "net", "org", "ac", "gov", "or", "ne"}
    ):
        return ".".join(parts[-3:])
    return ".".join(parts[-2:]) if len(parts) >= 2 else name


def links_of(
    element: HtmlElement, page_url: str | None, memo: dict[HtmlElement, Link | None] | None = None
) -> list[Link]:
    """Every <a href> under `element` (itself included), judged against the page's own site.

    `memo` keeps each anchor's verdict, for callers that ask about nested blocks of one page (each
    anchor is then judged once, not once per block that holds it).
    """
    own = _site_of_url(page_url)
    scheme = _scheme_of(page_url) if own else ""
    found = []
    for anchor in element.iter("a"):
        if memo is None:
            link = _link(anchor, page_url, own, scheme)
        elif anchor in memo:
            link = memo[anchor]
        else:
            link = memo[anchor] = _link(anchor, page_url, own, scheme)
        if link is not None:
            found.append(link)
    return found


def _link(anchor: HtmlElement, page_url: str | None, own: str, scheme: str = "") -> Link | None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith("#"):
        return None
    text = " ".join(anchor.text_content().split())
    if scheme and _PLAIN_RELATIVE.match(href):
        # A path on the page's own site ("/a/b", "b.html", "?page=2"): what urljoin would say,
        # without joining (most of a page's links, and urljoin was most of this pass's time).
        return Link(own, text, False)
    try:
        absolute = urljoin(page_url, href) if own and not _ABSOLUTE.match(href) else href
        parts = urlsplit(absolute)
        hostname = parts.hostname
    except ValueError:
        return Link("", text, False)
    if parts.scheme not in ("http", "https"):
        return Link("", text, False)
    host = site_of(hostname)
    outbound = bool(host) and host != own and host not in SOCIAL_HOSTS
    return Link(host, text, outbound)


# No scheme ("x:" before any "/", "?" or "#"), not scheme-relative ("//host"), and none of the
# characters urlsplit strips or treats apart (spaces, tabs, backslashes).
_PLAIN_RELATIVE = re.compile(r"(?!//)[^:/?#\s\\\x00-\x1f]*(?:[/?#][^\s\\\x00-\x1f]*)?\Z")


# An address with its own scheme and host: joining it to the page's address would give it back.
_ABSOLUTE = re.compile(r"https?://[^\s\\/?#]", re.IGNORECASE)


def _scheme_of(url: str | None) -> str:
    """The page's scheme when it is http or https (relative links then resolve on its site), else ""."""
    try:
        scheme = urlsplit(url or "").scheme
    except ValueError:
        return ""
    return scheme if scheme in ("http", "https") else ""


def _site_of_url(url: str | None) -> str:
    if not url:
        return ""
    try:
        return site_of(urlsplit(url).hostname)
    except ValueError:  # "http://[::1" and other addresses urllib cannot split
        return ""


def link_share(element: HtmlElement, text: str | None = None) -> float:
    """How much of the element's text sits inside links (0 to 1)."""
    whole = len("".join((text if text is not None else element.text_content()).split()))
    if whole == 0:
        return 0.0
    inside = sum(len("".join(a.text_content().split())) for a in element.iter("a"))
    return min(1.0, inside / whole)


def busiest_outbound(links: list[Link]) -> tuple[str, int]:
    """The outside site most linked to, and how many links go there."""
    counts = Counter(link.host for link in links if link.outbound)
    if not counts:
        return "", 0
    host, count = counts.most_common(1)[0]
    return host, count
