"""The templates' `date` filter (newsdesk/web/jinja.py) gives Django's own filter's text, part by part
remembered, for every format and language, and a new catalog gets its own words."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in django-stubs

from newsdesk.core import frame
from newsdesk.web import jinja

FORMATS = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "c",
    "j F Y, H:i",
    "N j, Y, P",
    r"l jS \o\f F Y h:i:s A",
    r"D, d M Y H:i:s O T e I U u Z r",
    r"\\N \Y b E L o t w W y z f g G a",
]


def _moments() -> list[datetime.datetime]:
    rng = random.Random(11)
    start = datetime.datetime(2019, 12, 28, tzinfo=datetime.UTC)
    moments = [start + datetime.timedelta(minutes=rng.randrange(0, 4 * 365 * 24 * 60)) for _ in range(300)]
    # Midnight, noon and the minutes around them, the ends of months and years, a leap day, microseconds.
    for hour, minute in ((0, 0), (12, 0), (11, 59), (12, 1), (23, 59), (0, 1)):
        moments.append(datetime.datetime(2024, 2, 29, hour, minute, 7, 123456, tzinfo=datetime.UTC))
    moments.append(datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=datetime.UTC))
    moments.append(datetime.datetime(2026, 3, 10, 9, 5))  # naive
    return moments


@pytest.mark.parametrize(
    ("language", "zone"),
    [
        ("en", "UTC"),
        ("de", "UTC"),
        ("fr", "UTC"),
        ("ar", "UTC"),
        ("ja", "UTC"),
        ("en", "Asia/Kolkata"),
        ("de", "America/New_York"),
    ],
)
def test_the_same_text_as_djangos_filter(language, zone):
    """Django's template engine shows an aware datetime in the site's zone before its `date` filter runs
    (`expects_localtime`); ours does the same, including the zone's own letters (T, O, e)."""
    jinja._date_parts.clear()
    with translation.override(language), timezone.override(zone):
        for fmt in FORMATS:
            for moment in _moments():
                expected = django_date(template_localtime(moment), fmt)
                assert jinja.date(moment, fmt) == expected, (language, fmt, moment)
                assert jinja.date(moment, fmt) == expected  # and again, from what it remembered
                with frame.rendering():
                    assert jinja.date(moment, fmt) == expected


def test_other_values_go_to_djangos_filter():
    values: list[Any] = [None, "", datetime.date(2026, 3, 10), datetime.time(14, 5), "not a date"]
    for value in values:
        assert jinja.date(value, "DATE_FORMAT") == django_date(value, "DATE_FORMAT")
        assert jinja.date(value) == django_date(value)


def test_a_language_switch_gets_its_own_month_names():
    moment = datetime.datetime(2026, 3, 10, 14, 5, tzinfo=datetime.UTC)
    with translation.override("en"):
        english = jinja.date(moment, "j F Y")
    with translation.override("de"):
        german = jinja.date(moment, "j F Y")
    assert (english, german) == ("10 March 2026", "10 März 2026")


def test_an_empty_format_is_djangos_date_format() -> None:
    value = datetime.datetime(2026, 3, 10, 14, 5, tzinfo=datetime.UTC)
    assert jinja.date(value, "") == django_date(value, "") != ""
