from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from newsdesk.sources import polling
from newsdesk.sources.polling import Hints

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def every(minutes: float, n: int = 10) -> list[datetime]:
    return [NOW - timedelta(minutes=minutes * i) for i in range(n)]


def test_rhythm_follows_posting_rate() -> None:
    assert polling.rhythm_interval(every(60)) == 30 * 60
    assert polling.rhythm_interval(every(24 * 60)) == 12 * 60 * 60


def test_rhythm_is_clamped() -> None:
    assert polling.rhythm_interval(every(1)) == polling.MIN_INTERVAL
    assert polling.rhythm_interval(every(60 * 24 * 30)) == polling.MAX_INTERVAL


def test_too_little_history_uses_default() -> None:
    assert polling.rhythm_interval([NOW]) == polling.DEFAULT_INTERVAL
    assert polling.rhythm_interval([]) == polling.DEFAULT_INTERVAL


def test_server_hints_lengthen_the_interval() -> None:
    fast = every(10)
    assert polling.next_interval(fast, Hints()) == polling.MIN_INTERVAL
    assert polling.next_interval(fast, Hints(max_age=3600)) == 3600
    assert polling.next_interval(fast, Hints(ttl_minutes=120)) == 7200
    assert polling.next_interval(fast, Hints(retry_after=10**9)) == polling.MAX_INTERVAL


def test_error_backoff_grows_with_jitter_and_cap() -> None:
    rng = random.Random(7)
    delays = [polling.error_delay(n, rng=rng) for n in range(1, 12)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(polling.ERROR_BASE * 2 ** (n - 1), polling.MAX_INTERVAL)
        assert max(ceiling / 2, polling.MIN_INTERVAL) <= delay <= ceiling
    assert delays[-1] > delays[0]
    assert max(delays) <= polling.MAX_INTERVAL


def test_error_backoff_honours_retry_after() -> None:
    assert polling.error_delay(1, retry_after=7200, rng=random.Random(1)) >= 7200
