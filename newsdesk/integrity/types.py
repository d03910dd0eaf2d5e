"""The integrity stage's plain data. No Django, and nothing from the rest of Newsdesk.

ingest/types.py imports `Injection` from here (an Extracted page carries what was cut out of it),
so this module must import nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Flags an article may carry because of this stage.
SPAM = "spam"  # the whole item is spam: quarantined
HELD = "held"  # the source is possibly compromised: quarantined until a person looks
SPAM_REMOVED = "spam-removed"  # injected blocks were cut out of an otherwise good article
APPROVED = "approved"  # a person published it from the review queue
REJECTED = "rejected"  # a person kept it off the site for good


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


@dataclass(frozen=True)
class Review:
    """What `review()` decided about one draft, before it becomes the draft's fields."""

    status: str
    flags: tuple[str, ...]
    record: dict[str, Any] = field(default_factory=dict)  # stored as Article.integrity
