"""Pure: one feed entry plus what its page yielded -> the article we store.

The page wins where it knows better (canonical URL, full text, lead image); the feed
wins for dates and identity, when its date can be trusted (not in the future, not one instant
stamped on every item), and a bare day in the feed takes the page's time on that day.
When the page gave nothing, the feed's own content is kept:
an item is never lost.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from newsdesk.core.urls import safe_url
from newsdesk.ingest.stages.decide import fingerprint, normalize_url
from newsdesk.ingest.stages.excerpt import make_excerpt
from newsdesk.ingest.stages.sanitize import html_to_text, sanitize_html
from newsdesk.types import PUBLISHED, ArticleDraft, Entry, Extracted, ParsedFeed

TITLE_MAX = 1000
UNTITLED = "Untitled"
# A date further ahead than this is a feed's mistake (or a trick to stay on top): use the fetch time.
FUTURE_SLACK = timedelta(minutes=10)
PAGE_UNAVAILABLE = "page-unavailable"
# A feed whose items (this many or more) all carry one instant stamps its build time, not theirs.
SAME_STAMP_ENTRIES = 3


def _clean_title(*candidates: str | None) -> str:
    for candidate in candidates:
        if candidate and (title := " ".join(candidate.split())):
            return title[:TITLE_MAX]
    return UNTITLED


def _published(entry: Entry, page: Extracted | None, now: datetime, feed: ParsedFeed) -> datetime:
    """The feed's publication date first when it is trustworthy, then the page's; an update date only
    when neither says. A date in the future is never taken; with nothing else, the fetch time."""
    page_published, page_updated = (page.published, page.updated) if page else (None, None)
    feed_published = entry.published if _trustworthy(entry.published, feed) else None
    # "2024-03-05" in the feed, "2024-03-05T14:30+01:00" on the page: the same day, to the minute.
    if feed_published and page_published and _day_only(feed_published):
        feed_published = page_published if page_published.date() == feed_published.date() else feed_published
    for stamp in (feed_published, page_published, entry.updated, page_updated):
        if stamp is not None and stamp <= now + FUTURE_SLACK:
            return stamp
    return now


def _trustworthy(stamp: datetime | None, feed: ParsedFeed) -> bool:
    """A feed that gives every one of its items the same instant (when the feed was built) says
    nothing about when each was published. What the items share is worked out once per feed
    (`ParsedFeed.shared_published`), not once per item."""
    if stamp is None:
        return False
    return len(feed.entries) < SAME_STAMP_ENTRIES or stamp != feed.shared_published


def _day_only(stamp: datetime) -> bool:
    return stamp.utcoffset() == timedelta(0) and stamp.timetz().replace(tzinfo=None) == time(0)


def entry_link(entry: Entry) -> str:
    link = safe_url(entry.link)
    return normalize_url(link) if link else ""


def entry_guid(entry: Entry) -> str:
    return (entry.guid or entry.link or "").strip()[:2000]


def _fallback_url(entry: Entry, feed: ParsedFeed, content_hash: str) -> str:
    """An item with no link still gets a stable, unique address: the outlet's home plus its identity."""
    guid = safe_url(entry.guid)
    if guid:
        return normalize_url(guid)
    home = safe_url(feed.link) or "about:blank"
    return f"{home}#item-{content_hash[:16]}"


def feed_hash_parts(entry: Entry) -> tuple[object, ...]:
    """What the feed says about an entry; when none of it changes, the article has not changed."""
    return (
        entry.title, entry.link, entry.summary_html, entry.content_html, entry.published, entry.updated,
        entry.authors, entry.categories, entry.image,
    )  # fmt: skip


def assemble(
    entry: Entry,
    page: Extracted | None,
    *,
    feed: ParsedFeed,
    source_id: int,
    source_language: str,
    content_hash: str,
    now: datetime,
    excerpt_words: int,
    page_failed: bool = False,
) -> ArticleDraft:
    link = entry_link(entry)
    canonical = safe_url(page.canonical_url) if page and page.canonical_url else None
    url = normalize_url(canonical) if canonical else link or _fallback_url(entry, feed, content_hash)
    feed_html = entry.content_html or entry.summary_html
    if page and page.text.strip():
        text, html = page.text.strip(), page.html
    else:
        text, html = html_to_text(feed_html), sanitize_html(feed_html, base_url=link or None)
    title = _clean_title(entry.title, page.title if page else None)
    authors = list(entry.authors) or (list(page.authors) if page else [])
    lead_image = (page.lead_image if page else None) or entry.image
    language = (page.language if page else None) or entry.language or feed.language or source_language
    return ArticleDraft(
        source_id=source_id,
        url=url,
        link=link,
        guid=entry_guid(entry),
        fingerprint=fingerprint(title, text),
        content_hash=content_hash,
        title=title,
        published=_published(entry, page, now, feed),
        updated=entry.updated or (page.updated if page else None),
        authors=[" ".join(a.split())[:200] for a in authors if a.strip()][:20],
        excerpt=make_excerpt(text, excerpt_words),
        text=text,
        content_html=html,
        language=(language or "")[:20],
        lead_image=safe_url(lead_image) or "",
        categories=[c[:100] for c in entry.categories][:30],
        status=PUBLISHED,
        flags=[PAGE_UNAVAILABLE] if page_failed else [],
    )
