from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.core import heartbeats
from newsdesk.core.clock import FrozenClock
from newsdesk.core.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_last_seen_is_none_until_a_process_beats() -> None:
    assert heartbeats.last_seen("worker") is None


def test_beats_update_one_row_per_process_and_last_seen_takes_the_newest() -> None:
    clock = FrozenClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    heartbeats.beat("worker", "a:1", clock=clock)
    clock.advance(seconds=5)
    heartbeats.beat("worker", "a:1", clock=clock)
    heartbeats.beat("worker", "b:2", clock=FrozenClock(clock.now - timedelta(seconds=60)))
    assert Heartbeat.objects.filter(role="worker").count() == 2
    assert heartbeats.last_seen("worker") == clock.now
    assert heartbeats.last_seen("scheduler") is None


def test_forget_drops_only_stale_rows() -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    heartbeats.beat("worker", "old:1", clock=FrozenClock(now - timedelta(days=2)))
    heartbeats.beat("worker", "new:2", clock=FrozenClock(now))
    assert heartbeats.forget_older_than(timedelta(days=1), clock=FrozenClock(now)) == 1
    assert list(Heartbeat.objects.values_list("name", flat=True)) == ["new:2"]
