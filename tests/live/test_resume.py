"""The cursor and resume: what a reconnecting client is sent from the log."""

from __future__ import annotations

import pytest

from newsdesk.live.events import Filters
from newsdesk.live.models import LiveEvent
from newsdesk.live.queries import latest_event_id, missed_events, read_after
from newsdesk.topics.models import Topic

from .helpers import make_source, store

pytestmark = pytest.mark.django_db(transaction=True)


def _ids(events) -> list[int]:
    return [event.id for event in events]


def test_latest_event_id_is_zero_on_an_empty_log() -> None:
    assert latest_event_id() == 0


def test_missed_events_are_exactly_those_after_the_cursor_up_to_the_limit_of_the_window() -> None:
    source = make_source()
    events = [store(source, f"Story {n}").live_event.pk for n in range(6)]
    assert _ids(missed_events(events[1], events[4], Filters(), 100)) == events[2:5]
    assert _ids(missed_events(0, events[-1], Filters(), 100)) == events
    assert missed_events(events[-1], events[-1], Filters(), 100) == []


def test_when_too_many_were_missed_the_newest_come_oldest_first() -> None:
    source = make_source()
    events = [store(source, f"Story {n}").live_event.pk for n in range(6)]
    assert _ids(missed_events(0, events[-1], Filters(), 2)) == events[-2:]


def test_missed_events_follow_the_filters() -> None:
    harbour, hills = make_source("Harbour Gazette"), make_source("Hills Courier")
    _science, _ = Topic.objects.get_or_create(slug="science", defaults={"name": "Science"})
    a = store(harbour, "Harbour story")
    b = store(hills, "Hills story")
    LiveEvent.objects.filter(article=b).update(topic_keys=",science,")
    c = store(hills, "Another hills story")
    upto = latest_event_id()
    assert _ids(missed_events(0, upto, Filters(source=hills.pk), 10)) == [b.live_event.pk, c.live_event.pk]
    assert _ids(missed_events(0, upto, Filters(topic="science"), 10)) == [b.live_event.pk]
    assert _ids(missed_events(0, upto, Filters(topic="science", source=harbour.pk), 10)) == []
    assert a.live_event.pk < b.live_event.pk < c.live_event.pk


def test_read_after_steps_over_emptied_rows_and_reports_more() -> None:
    source = make_source()
    ids = [store(source, f"Story {n}").live_event.pk for n in range(5)]
    LiveEvent.objects.filter(pk=ids[1]).update(data="")
    events, cursor, more = read_after(0, 3)
    assert _ids(events) == [ids[0], ids[2]]
    assert cursor == ids[2]
    assert more
    events, cursor, more = read_after(cursor, 3)
    assert _ids(events) == ids[3:]
    assert cursor == ids[4]
    assert not more
    assert read_after(cursor, 3) == ([], cursor, False)
