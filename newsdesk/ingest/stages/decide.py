"""Pure decisions about entries: URL normalisation, identity, and what to do with each entry.

Nothing here does I/O. The pipeline looks the facts up (what the store knows of the entry, the
sources involved), asks `decide_entry` before the page fetch and `decide_identity` after
extraction, and carries the answer out: an intent (`Skip`, `Store`, `Update`, `Alias`, `Transfer`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsdesk.types import Known, Outlet

# Query parameters that only track the reader. `utm_*` and friends are matched by prefix.
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "_hs", "oly_", "vero_", "__s", "ga_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "s_cid",
        "spm", "scid", "ncid", "sr_share", "at_medium", "at_campaign", "rss", "ito", "wt_mc", "wt.mc_id",
        "guccounter", "guce_referrer", "guce_referrer_sig", "share", "smid",
    }
)  # fmt: skip
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """The form of a URL we store and compare: lower-case scheme and host, no default port,
    no fragment, no tracking parameters, and "/" for an empty path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    # Built from host and port only, so credentials (user:password@) never reach a stored link.
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = urlencode(query_pairs, doseq=True)
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _site_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def hosts_match(url: str, *others: str) -> bool:
    """Does `url` live on the same host (ignoring "www.") as any of `others`?"""
    host = _site_host(url)
    return bool(host) and any(other and _site_host(other) == host for other in others)


_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(folded)


# Below this many words of body text a fingerprint says too little to match on.
FINGERPRINT_MIN_WORDS = 25
FINGERPRINT_WORDS = 80


def fingerprint(title: str, text: str) -> str:
    """A content fingerprint that survives re-posts: the title's and the text's leading words,
    case- and punctuation-folded. Empty when the text is too short to tell stories apart."""
    body = _words(text)
    if len(body) < FINGERPRINT_MIN_WORDS:
        return ""
    material = " ".join(_words(title)) + "\n" + " ".join(body[:FINGERPRINT_WORDS])
    return hashlib.sha256(material.encode()).hexdigest()


def content_hash(parts: Iterable[object]) -> str:
    """A stable hash of what a feed said about an entry, to tell an update from a repeat."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


# ---- what to do with an entry ------------------------------------------------


@dataclass(frozen=True)
class Skip:
    """Nothing to do: the entry is stored and unchanged."""


@dataclass(frozen=True)
class Store:
    """A story we do not have: store it as a new article."""


@dataclass(frozen=True)
class Update:
    """The stored article changed at this source: update it from this entry."""

    article_id: int


@dataclass(frozen=True)
class Alias:
    """A copy of a stored story. With `record`, remember the entry so the next poll skips it
    without a page fetch."""

    article_id: int
    record: bool


@dataclass(frozen=True)
class Transfer:
    """The stored copy is this outlet's own story, first stored from another source (a syndicator):
    credit it to this source, then update it from this entry."""

    article_id: int


Intent = Skip | Store | Update | Alias | Transfer


@dataclass(frozen=True)
class Facts:
    """What the decider knows of the entry itself: its source and the feed's word on it."""

    source: Outlet
    guid: str
    link: str
    content_hash: str


def decide_entry(known: Known | None, owner: Outlet | None, facts: Facts) -> Intent:
    """Before the page fetch: what the store knows of this entry (by GUID, link or a recorded
    alias) decides. `owner` is the source holding `known`, when that is another source."""
    if known is None:
        return Store()
    if not known.alias and known.source_id == facts.source.id:
        return Skip() if known.content_hash == facts.content_hash else Update(known.id)
    return _copy(known, owner, facts)


def decide_identity(original: Known | None, owner: Outlet | None, facts: Facts) -> Store | Alias | Transfer:
    """After extraction, for an entry the store did not know: an article with the same canonical
    URL or content fingerprint (`original`) makes it a copy; otherwise it is new."""
    return Store() if original is None else _copy(original, owner, facts)


def decide_lost_race(article_id: int | None) -> Alias | Skip:
    """Storing found the URL stored a moment ago by another worker (`article_id`): this entry is
    a copy of it, remembered for the next poll."""
    return Skip() if article_id is None else Alias(article_id, record=True)


def _copy(stored: Known, owner: Outlet | None, facts: Facts) -> Alias | Transfer:
    """This entry tells a stored story: take it over when it is this outlet's own, else alias it."""
    ours = stored.source_id == facts.source.id
    if not ours and owner is not None and publishes(facts.link, facts.source, owner):
        return Transfer(stored.id)
    # A copy from another source is always remembered; one from this source only when it has a GUID.
    return Alias(stored.id, record=not ours or bool(facts.guid))


def publishes(link: str, outlet: Outlet, other: Outlet) -> bool:
    """Is `outlet` the one that published `link` (its host), and `other` not?"""
    return hosts_match(link, outlet.url, outlet.site_url) and not hosts_match(link, other.url, other.site_url)
