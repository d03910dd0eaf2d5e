"""Pure decisions about entries: URL normalisation, identity, and new / changed / same.

Nothing here does I/O. The pipeline looks candidates up and passes them in.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from enum import Enum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsdesk.types import Known

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
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username or parts.password:
        # Credentials never belong in a stored link.
        pass
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


class Action(Enum):
    NEW = "new"  # store it
    UPDATE = "update"  # the stored article changed at the source
    SAME = "same"  # nothing to do
    DUPLICATE = "duplicate"  # another article already tells this story


def decide(known: Known | None, *, source_id: int, new_hash: str) -> Action:
    """New, updated, unchanged, or a copy of another source's article."""
    if known is None:
        return Action.NEW
    if known.alias or known.source_id != source_id:
        return Action.DUPLICATE
    return Action.SAME if known.content_hash == new_hash else Action.UPDATE
