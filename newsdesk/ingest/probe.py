"""Adding a source: is this URL a feed, or a page that links to one?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings

from newsdesk.core.errors import UserError
from newsdesk.core.urls import is_web_url
from newsdesk.ingest.stages.discover import find_feed_links
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.ingest.stages.parse import looks_like_feed, parse_feed
from newsdesk.types import FetchError, ParsedFeed, ParseError

if TYPE_CHECKING:
    from newsdesk.sources.models import Source

FORMAT_LABELS = {
    "rss090": "RSS 0.90", "rss091": "RSS 0.91", "rss092": "RSS 0.92", "rss093": "RSS 0.93",
    "rss094": "RSS 0.94", "rss10": "RSS 1.0", "rss20": "RSS 2.0", "atom03": "Atom 0.3",
    "atom10": "Atom 1.0", "json10": "JSON Feed 1.0", "json11": "JSON Feed 1.1",
}  # fmt: skip
MAX_CANDIDATES = 3


def format_label(fmt: str) -> str:
    return FORMAT_LABELS.get(fmt, fmt.upper() or "feed")


@dataclass(frozen=True)
class Probe:
    feed_url: str
    feed: ParsedFeed
    discovered: bool


def check_url_syntax(url: str) -> str:
    url = url.strip()
    if not is_web_url(url):
        raise UserError(
            f"{url!r} is not a web address: it must start with http:// or https:// and name a host,"
            " with no spaces and no user name or password."
        )
    return url


def probe(url: str, fetcher: Fetcher) -> Probe:
    """Find the feed behind `url`. Raises UserError with one plain sentence."""
    url = check_url_syntax(url)
    max_entries = settings.NEWSDESK_INGEST["MAX_ENTRIES_PER_FEED"]
    try:
        result = fetcher.fetch(url, kind="feed")
    except FetchError as exc:
        raise UserError(f"Could not fetch {url}: {exc.message}") from None
    if looks_like_feed(result.content, result.content_type):
        try:
            feed = parse_feed(result.content, url=result.url, content_type=result.content_type,
                              charset=result.charset, max_entries=max_entries)  # fmt: skip
        except ParseError as exc:
            raise UserError(f"{url} looks like a feed but cannot be read: {exc.message}") from None
        return Probe(feed_url=url, feed=feed, discovered=False)

    candidates = find_feed_links(result.content, result.url)
    if not candidates:
        raise UserError(f"{url} is not a feed, and the page links to no RSS, Atom or JSON feed.")
    problems = []
    for candidate in candidates[:MAX_CANDIDATES]:
        try:
            found = fetcher.fetch(candidate, kind="feed")
            feed = parse_feed(found.content, url=found.url, content_type=found.content_type,
                              charset=found.charset, max_entries=max_entries)  # fmt: skip
        except (FetchError, ParseError) as exc:
            problems.append(f"{candidate}: {exc.message}")
            continue
        return Probe(feed_url=candidate, feed=feed, discovered=True)
    raise UserError(f"The page links to feeds, but none could be read ({problems[0]})")


def add_source(url: str, *, name: str | None = None, fetcher: Fetcher | None = None) -> tuple[Source, Probe]:
    """Probe `url` and store the feed it leads to as a new source."""
    from newsdesk.ingest.policy import fetch_policy
    from newsdesk.sources.actions import do_add_source
    from newsdesk.sources.models import Source

    url = check_url_syntax(url)
    if existing := Source.objects.filter(url=url).first():
        raise UserError(f"That feed is already source {existing.pk} ({existing.name}).")
    if fetcher is None:
        with Fetcher(fetch_policy()) as own:
            found = probe(url, own)
    else:
        found = probe(url, fetcher)
    source = do_add_source(
        found.feed_url,
        name=(name or found.feed.title or urlsplit(found.feed_url).hostname or found.feed_url).strip(),
        site_url=found.feed.link or "",
        language=found.feed.language or "",
        icon_url=found.feed.icon or "",
    )
    return source, found
