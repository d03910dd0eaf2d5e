"""The wire format, the cursor and the filters: pure functions."""

from __future__ import annotations

import json

import pytest

from newsdesk.live.events import (
    HEARTBEAT,
    BadFilter,
    Event,
    Filters,
    cursor_only,
    frame,
    parse_cursor,
    retry,
    topic_keys,
)


def test_an_event_is_one_id_line_and_one_data_line() -> None:
    data = json.dumps({"id": 7, "title": "Ferry returns\nafter storm"})
    wire = Event(42, data, 3, ",transport,").wire()
    assert wire == f"id: 42\ndata: {data}\n\n".encode()
    assert wire.count(b"\n") == 3  # JSON escapes the newline inside the title


def test_raw_newlines_in_data_become_several_data_lines() -> None:
    assert frame(5, "a\nb\r\nc") == b"id: 5\ndata: a\ndata: b\ndata: c\n\n"


def test_cursor_only_and_retry_and_heartbeat() -> None:
    assert cursor_only(9) == b"id: 9\n\n"
    assert retry(3000) == b"retry: 3000\n\n"
    assert HEARTBEAT.startswith(b":")
    assert HEARTBEAT.endswith(b"\n\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 12 ", 12), ("0", 0), (None, None), ("", None), ("-1", None), ("1e3", None),
     ("abc", None), ("9" * 19, None), ("12; DROP", None)],
)  # fmt: skip
def test_parse_cursor(text: str | None, expected: int | None) -> None:
    assert parse_cursor(text) == expected


def test_topic_keys() -> None:
    assert topic_keys(["science", "transport"]) == ",science,transport,"
    assert topic_keys([]) == ""


def test_filters_match_topic_and_source() -> None:
    science = Event(1, "{}", 3, ",climate,science,")
    sport = Event(2, "{}", 4, ",sport,")
    assert Filters().matches(science)
    assert Filters().matches(sport)
    assert Filters(topic="science").matches(science)
    assert not Filters(topic="science").matches(sport)
    assert not Filters(topic="sci").matches(science)  # whole slugs only
    assert Filters(source=4).matches(sport)
    assert not Filters(source=4).matches(science)
    assert not Filters(topic="science", source=4).matches(science)
    assert Filters(topic="science", source=3).matches(science)


def test_filters_parse() -> None:
    assert Filters.parse(None, None) == Filters()
    assert Filters.parse("", "") == Filters()
    assert Filters.parse("climate-environment", "12") == Filters(topic="climate-environment", source=12)
    assert Filters.parse(None, None).empty


@pytest.mark.parametrize(
    ("topic", "source"), [("a b", None), ("x" * 81, None), ("ü", None), (None, "x"), (None, "-1")]
)
def test_bad_filters_are_refused_with_a_sentence(topic: str | None, source: str | None) -> None:
    with pytest.raises(BadFilter) as caught:
        Filters.parse(topic, source)
    assert "like ?" in str(caught.value)
