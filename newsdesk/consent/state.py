"""The reader's consent, read from the consent cookie and the Sec-GPC header. Pure: no Django, no I/O.

The cookie value is `VERSION|FLAGS|UNIXTIME|ID`, e.g. `1.3f9a0c21|p0a1m0|1767225600|Zq3...`: the policy
version chosen under, one flag per optional category, when, and a random id (the log stores only a keyed
hash of it). Every character is legal in a cookie without quoting. Anything malformed counts as no choice.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .registry import OPTIONAL, Category

_FLAG = {Category.PREFERENCES: "p", Category.ANALYTICS: "a", Category.MARKETING: "m"}
_VALUE = re.compile(r"^([A-Za-z0-9._-]{1,64})\|((?:[pam][01]){3})\|(\d{1,12})\|([A-Za-z0-9_-]{16,64})$")

# The banner asks again after this long, whatever the reader chose (CNIL: renew consent periodically).
MAX_AGE = timedelta(days=182)


@dataclass(frozen=True)
class Choice:
    granted: frozenset[Category]
    version: str
    at: datetime
    subject: str

    def encode(self) -> str:
        flags = "".join(f"{_FLAG[c]}{int(c in self.granted)}" for c in OPTIONAL)
        return f"{self.version}|{flags}|{int(self.at.timestamp())}|{self.subject}"


def decode(value: str | None) -> Choice | None:
    if not value:
        return None
    match = _VALUE.match(value)
    if match is None:
        return None
    version, flags, stamp, subject = match.groups()
    pairs = dict(zip(flags[0::2], flags[1::2], strict=True))
    if len(pairs) != len(OPTIONAL):
        return None
    granted = frozenset(c for c in OPTIONAL if pairs.get(_FLAG[c]) == "1")
    try:
        at = datetime.fromtimestamp(int(stamp), UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return Choice(granted=granted, version=version, at=at, subject=subject)


def new_subject() -> str:
    return secrets.token_urlsafe(18)


@dataclass(frozen=True)
class ConsentState:
    """What this request may do. `choice` is the stored one, even when stale (its id is reused)."""

    choice: Choice | None
    version: str  # the policy version in force
    now: datetime
    gpc: bool = False
    asks: bool = True  # False when the registry has nothing but necessary items

    @property
    def current(self) -> bool:
        """A choice under the policy in force, younger than MAX_AGE."""
        c = self.choice
        return c is not None and c.version == self.version and c.at <= self.now < c.at + MAX_AGE

    @property
    def show_banner(self) -> bool:
        return self.asks and not self.current

    def allows(self, category: Category) -> bool:
        """Necessary always; the rest only with a current choice granting it, and never under GPC."""
        if category == Category.NECESSARY:
            return True
        if self.gpc or not self.current:
            return False
        assert self.choice is not None
        return category in self.choice.granted

    @property
    def allowed(self) -> frozenset[Category]:
        return frozenset(c for c in Category if self.allows(c))

    def decide(self, granted: frozenset[Category]) -> Choice:
        """The choice to store for what the reader asked: GPC turns every optional category off."""
        effective = frozenset() if self.gpc else granted & frozenset(OPTIONAL)
        subject = self.choice.subject if self.choice else new_subject()
        return Choice(granted=effective, version=self.version, at=self.now, subject=subject)


def gpc_from_header(value: str | None) -> bool:
    """Sec-GPC's only defined value is "1" (GPC spec §3)."""
    return (value or "").strip() == "1"
