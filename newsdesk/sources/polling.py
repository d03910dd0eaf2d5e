"""Pure scheduling policy: when to look at a source next.

The interval follows the source's posting rhythm (half the median gap between recent
items), clamped; a server's Cache-Control max-age, RSS ttl or Retry-After lengthen it;
errors back off exponentially with jitter.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

MIN_INTERVAL = 5 * 60
MAX_INTERVAL = 24 * 60 * 60
DEFAULT_INTERVAL = 60 * 60
ERROR_BASE = 5 * 60


@dataclass(frozen=True)
class Hints:
    """What the last response said about polling it again."""

    max_age: int | None = None  # Cache-Control max-age, seconds
    ttl_minutes: int | None = None  # RSS <ttl>
    retry_after: int | None = None  # Retry-After, seconds


def clamp(seconds: float, low: int = MIN_INTERVAL, high: int = MAX_INTERVAL) -> int:
    return int(min(max(seconds, low), high))


def rhythm_interval(published: Sequence[datetime], *, default: int = DEFAULT_INTERVAL) -> int:
    """Half the median gap between the most recent items, clamped.

    A source posting every 20 minutes is checked every 10; one posting daily, every 12 hours.
    """
    stamps = sorted(published, reverse=True)[:20]
    gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(stamps)]
    gaps = [g for g in gaps if g > 0]
    if len(gaps) < 2:
        return clamp(default)
    return clamp(median(gaps) / 2)


def next_interval(published: Sequence[datetime], hints: Hints) -> int:
    """The interval after a successful check."""
    interval = rhythm_interval(published)
    server_floor = max(hints.max_age or 0, (hints.ttl_minutes or 0) * 60, hints.retry_after or 0)
    return clamp(max(interval, server_floor))


def error_delay(error_count: int, *, retry_after: int | None = None, rng: random.Random | None = None) -> int:
    """Exponential backoff with full jitter after the `error_count`-th consecutive failure (1-based)."""
    rng = rng or random.Random()  # noqa: S311 - jitter, not security
    ceiling = min(ERROR_BASE * 2 ** max(error_count - 1, 0), MAX_INTERVAL)
    delay = ceiling / 2 + rng.uniform(0, ceiling / 2)
    if retry_after:
        delay = max(delay, retry_after)
    return clamp(delay)


def next_check(now: datetime, seconds: int) -> datetime:
    return now + timedelta(seconds=seconds)
