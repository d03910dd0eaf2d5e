"""The consent cookie and the decision what a request may do (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.consent.registry import OPTIONAL, Category
from newsdesk.consent.state import MAX_AGE, Choice, ConsentState, decode, gpc_from_header, new_subject

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def choice(granted=(), version="1.abc", at=NOW, subject="s" * 24) -> Choice:
    return Choice(granted=frozenset(granted), version=version, at=at, subject=subject)


def test_round_trip_keeps_every_field_to_the_second():
    original = choice({Category.ANALYTICS}, at=NOW + timedelta(microseconds=5))
    value = original.encode()
    assert value == f"1.abc|p0a1m0|{int(NOW.timestamp())}|{'s' * 24}"
    back = decode(value)
    assert back == choice({Category.ANALYTICS})


@given(
    granted=st.sets(st.sampled_from(OPTIONAL)),
    version=st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True),
    seconds=st.integers(min_value=0, max_value=4_000_000_000),
)
def test_any_choice_survives_the_cookie(granted, version, seconds):
    at = datetime.fromtimestamp(seconds, UTC)
    original = Choice(frozenset(granted), version, at, new_subject())
    assert decode(original.encode()) == original


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "1|p1a1m1|123",  # no id
        "1|p1a1|123|" + "x" * 24,  # a category missing
        "1|p1p1a1|123|" + "x" * 24,  # a category twice, one missing
        "1|p2a1m1|123|" + "x" * 24,
        "1|p1a1m1|123|short",
        "1 2|p1a1m1|123|" + "x" * 24,
        "1|p1a1m1|99999999999999|" + "x" * 24,
        "1|p1a1m1|123|" + "x" * 24 + ";evil",
    ],
)
def test_a_malformed_cookie_is_no_choice(value):
    assert decode(value) is None


def test_the_value_needs_no_quoting_in_a_cookie():
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    value = choice(OPTIONAL, subject=new_subject()).encode()
    jar["c"] = value
    assert jar.output(header="").strip() == f"c={value}"


def state(stored, *, version="1.abc", now=NOW, gpc=False, asks=True) -> ConsentState:
    return ConsentState(choice=stored, version=version, now=now, gpc=gpc, asks=asks)


def test_no_choice_allows_only_necessary_and_shows_the_banner():
    s = state(None)
    assert s.allowed == {Category.NECESSARY}
    assert s.show_banner


def test_nothing_to_ask_means_no_banner():
    assert not state(None, asks=False).show_banner


def test_a_current_choice_allows_what_it_granted_and_hides_the_banner():
    s = state(choice({Category.ANALYTICS}))
    assert s.current
    assert not s.show_banner
    assert s.allowed == {Category.NECESSARY, Category.ANALYTICS}


def test_a_new_policy_version_asks_again_and_allows_nothing_optional():
    s = state(choice(OPTIONAL, version="1.abc"), version="2.abc")
    assert not s.current
    assert s.show_banner
    assert s.allowed == {Category.NECESSARY}


def test_after_six_months_the_banner_asks_again():
    stored = choice(OPTIONAL, at=NOW)
    assert state(stored, now=NOW + MAX_AGE - timedelta(seconds=1)).current
    later = state(stored, now=NOW + MAX_AGE)
    assert not later.current
    assert later.show_banner
    assert later.allowed == {Category.NECESSARY}
    assert timedelta(days=180) <= MAX_AGE


def test_a_choice_from_the_future_is_not_trusted():
    assert not state(choice(OPTIONAL, at=NOW + timedelta(days=1))).current


def test_gpc_rejects_every_optional_category_even_over_a_stored_accept():
    s = state(choice(OPTIONAL), gpc=True)
    assert s.allowed == {Category.NECESSARY}
    assert not s.show_banner  # the reader chose under this policy; GPC still wins


def test_deciding_under_gpc_stores_reject():
    decided = state(None, gpc=True).decide(frozenset(OPTIONAL))
    assert decided.granted == frozenset()


def test_deciding_keeps_the_readers_id_and_takes_the_version_in_force():
    old = choice({Category.ANALYTICS}, version="0.old", subject="k" * 24)
    decided = state(old, version="1.new").decide(frozenset({Category.MARKETING, Category.NECESSARY}))
    assert decided.subject == "k" * 24
    assert decided.version == "1.new"
    assert decided.granted == {Category.MARKETING}
    assert decided.at == NOW


def test_a_first_choice_gets_a_fresh_random_id():
    a, b = state(None).decide(frozenset()), state(None).decide(frozenset())
    assert a.subject != b.subject
    assert len(a.subject) >= 16


@pytest.mark.parametrize(
    ("header", "expected"), [("1", True), (" 1 ", True), ("0", False), ("", False), (None, False)]
)
def test_gpc_header(header, expected):
    assert gpc_from_header(header) is expected
