from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from newsdesk.sources import schedule
from newsdesk.sources.schedule import Hints

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def every(minutes: float, n: int = 10) -> list[datetime]:
    return [NOW - timedelta(minutes=minutes * i) for i in range(n)]


def test_rhythm_follows_posting_rate() -> None:
    assert schedule.rhythm_interval(every(60)) == 30 * 60
    assert schedule.rhythm_interval(every(24 * 60)) == 12 * 60 * 60


def test_rhythm_is_clamped() -> None:
    assert schedule.rhythm_interval(every(1)) == schedule.MIN_INTERVAL
    assert schedule.rhythm_interval(every(60 * 24 * 30)) == schedule.MAX_INTERVAL


def test_too_little_history_uses_default() -> None:
    assert schedule.rhythm_interval([NOW]) == schedule.DEFAULT_INTERVAL
    assert schedule.rhythm_interval([]) == schedule.DEFAULT_INTERVAL


def test_server_hints_lengthen_the_interval() -> None:
    fast = every(10)
    assert schedule.next_interval(fast, Hints()) == schedule.MIN_INTERVAL
    assert schedule.next_interval(fast, Hints(max_age=3600)) == 3600
    assert schedule.next_interval(fast, Hints(ttl_minutes=120)) == 7200
    assert schedule.next_interval(fast, Hints(retry_after=10**9)) == schedule.MAX_INTERVAL


def test_error_backoff_grows_with_jitter_and_cap() -> None:
    rng = random.Random(7)
    delays = [schedule.error_delay(n, rng=rng) for n in range(1, 12)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(schedule.ERROR_BASE * 2 ** (n - 1), schedule.MAX_INTERVAL)
        assert max(ceiling / 2, schedule.MIN_INTERVAL) <= delay <= ceiling
    assert delays[-1] > delays[0]
    assert max(delays) <= schedule.MAX_INTERVAL


def test_error_backoff_honours_retry_after() -> None:
    assert schedule.error_delay(1, retry_after=7200, rng=random.Random(1)) >= 7200
