"""The plain data that crosses package boundaries: feed entries, fetched pages, article drafts,
the integrity stage's findings, and what the store knows of an article. No Django here.

This is a leaf: it imports nothing of ours but `newsdesk.core`, so every layer may import it
(`make lint` checks the layers with import-linter; see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from newsdesk.core.errors import NewsdeskError

# ---- integrity ---------------------------------------------------------------

# Flags an article may carry because of this stage: what the machine found. A person's review is not a
# flag: it is the article's status and its one review record (`Article.integrity["review"]`).
SPAM = "spam"  # the whole item is spam: quarantined
HELD = "held"  # the source is possibly compromised: quarantined until a person looks
SPAM_REMOVED = "spam-removed"  # injected blocks were cut out of an otherwise good article


@dataclass(frozen=True)
class Signal:
    """One reason, with its weight in the decision and a short human explanation."""

    name: str  # e.g. "promo-terms", "language-mismatch"
    weight: float
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "weight": round(self.weight, 2), "detail": self.detail}


@dataclass(frozen=True)
class Injection:
    """A block cut out of an article because it was planted there, not written by the outlet."""

    kind: str  # "hidden", "link-block" or "keyword-stuffing"
    text: str  # the start of what it said, for the reviewer
    reasons: tuple[str, ...] = ()  # e.g. ("display:none", "4 links", "promo: slot gacor")

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Verdict:
    """The whole-item decision: spam or not, and every signal that fired."""

    spam: bool
    score: float
    signals: tuple[Signal, ...] = ()
    reason: str = ""  # one sentence: why it is spam, or "" when it is not

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.signals)


@dataclass(frozen=True)
class SourceState:
    """What the review needs to know about the source an item came from."""

    language: str = ""  # BCP 47 primary tag the source publishes in, "" when unknown
    site_host: str = ""  # the outlet's own host name, for telling outbound links
    held: bool = False  # possibly compromised: hold every new item for review
    held_reason: str = ""


# ---- fetch ------------------------------------------------------------------


class FetchError(NewsdeskError):
    """A fetch failed. `message` is one plain sentence fit to show on the source.

    `retry_after` is the server's Retry-After in seconds, when it sent one;
    `status` the HTTP status, when there was a response; `permanent` is true for
    failures that retrying soon will not fix (refused address, 404, 410).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        permanent: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.permanent = permanent


class BlockedAddress(FetchError):
    """The URL resolves to an address we refuse to connect to (SSRF guard)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


@dataclass(frozen=True)
class Validators:
    """What we remember from the last response, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    content: bytes  # decoded from gzip/deflate/br, capped in size
    headers: Mapping[str, str]  # lower-case names
    not_modified: bool = False  # a 304 answer to a conditional GET
    validators: Validators = field(default_factory=Validators)
    max_age: int | None = None  # Cache-Control max-age, seconds
    retry_after: int | None = None  # Retry-After, seconds
    content_type: str | None = None  # media type only, lower case
    charset: str | None = None  # from the Content-Type header


# ---- parse ------------------------------------------------------------------


class ParseError(NewsdeskError):
    """The bytes are not a feed we can read. One plain sentence."""


@dataclass(frozen=True)
class Enclosure:
    url: str
    type: str | None = None
    length: int | None = None


@dataclass(frozen=True)
class Entry:
    """One item of a feed, as the feed tells it. HTML fields are unsanitized."""

    guid: str | None
    link: str | None  # absolute
    title: str  # plain text
    authors: tuple[str, ...] = ()
    published: datetime | None = None  # timezone-aware
    updated: datetime | None = None  # timezone-aware
    summary_html: str = ""
    content_html: str = ""
    categories: tuple[str, ...] = ()
    image: str | None = None  # absolute
    enclosures: tuple[Enclosure, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    format: str  # e.g. "rss20", "atom10", "json11"
    title: str
    link: str | None  # the site's home page, absolute
    entries: tuple[Entry, ...]
    language: str | None = None
    ttl_minutes: int | None = None  # RSS <ttl>
    icon: str | None = None
    total_entries: int = 0  # how many the feed held before the cap
    # WebSub discovery: the hubs that push this feed (rel="hub") and its topic URL (rel="self"), absolute;
    # from the HTTP Link header when it names a hub, else from the feed itself.
    hubs: tuple[str, ...] = ()
    self_url: str | None = None

    @cached_property
    def shared_published(self) -> datetime | None:
        """The publication instant that every entry carries, when they all carry one and the same;
        None when they differ, when none has one, or when there are no entries. Worked out once per
        feed object (a fact of the whole feed, asked about each of its entries)."""
        if not self.entries:
            return None
        first = self.entries[0].published
        return first if all(e.published == first for e in self.entries) else None


# ---- store ------------------------------------------------------------------

PUBLISHED = "published"
QUARANTINED = "quarantined"


@dataclass(frozen=True)
class ArticleDraft:
    """Everything the pipeline found out about one article, ready for actions to store."""

    source_id: int
    url: str  # canonical, normalised
    link: str  # the feed's link, normalised
    guid: str
    fingerprint: str
    content_hash: str
    title: str
    published: datetime
    authors: list[str] = field(default_factory=list)
    updated: datetime | None = None
    excerpt: str = ""
    text: str = ""
    content_html: str = ""
    language: str = ""
    lead_image: str = ""
    categories: list[str] = field(default_factory=list)
    status: str = PUBLISHED
    flags: list[str] = field(default_factory=list)
    integrity: dict[str, Any] = field(default_factory=dict)  # the spam review's signals and reason


# ---- extract ----------------------------------------------------------------


class ExtractError(NewsdeskError):
    """The page is not HTML we can read. One plain sentence."""


@dataclass(frozen=True)
class Extracted:
    """What the extraction stage found in an article page."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None  # timezone-aware
    updated: datetime | None = None  # timezone-aware, when the page says it was last changed
    language: str | None = None  # BCP 47 primary tag, e.g. "en"
    text: str = ""  # plain text, paragraphs separated by blank lines
    html: str = ""  # the main content as sanitized HTML
    lead_image: str | None = None  # absolute
    canonical_url: str | None = None  # absolute
    description: str | None = None
    site_name: str | None = None
    removed: tuple[str, ...] = ()  # what clean-up dropped, e.g. ("cookie-notice", "share-bar")
    injections: tuple[Injection, ...] = ()  # planted spam cut out of the page (newsdesk/integrity)


# ---- identity ----------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """What the store knows about an article that may be this entry."""

    id: int
    source_id: int
    content_hash: str
    alias: bool = False  # found through an entry recorded as a copy of this article


@dataclass(frozen=True)
class Outlet:
    """A source as the ingest decisions see it: its id and the addresses that tell its host."""

    id: int
    url: str  # the feed's URL
    site_url: str = ""  # the outlet's home page, when the feed names it
