from __future__ import annotations

import pytest

from newsdesk.ingest.stages.decide import (
    Alias,
    Facts,
    Intent,
    Skip,
    Store,
    Transfer,
    Update,
    content_hash,
    decide_entry,
    decide_identity,
    decide_lost_race,
    fingerprint,
    hosts_match,
    normalize_url,
)
from newsdesk.types import Known, Outlet


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.ORG:80/a/b?x=1#frag", "http://example.org/a/b?x=1"),
        ("https://example.org:443", "https://example.org/"),
        ("https://example.org:8443/p", "https://example.org:8443/p"),
        (
            "https://news.example/story?utm_source=rss&utm_medium=feed&id=7&fbclid=abc&gclid=z",
            "https://news.example/story?id=7",
        ),
        ("https://news.example/s?UTM_Campaign=x&mc_cid=1&mc_eid=2", "https://news.example/s"),
        ("https://news.example/s?a=1&a=2&b=", "https://news.example/s?a=1&a=2&b="),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
        ("https://example.org./x", "https://example.org/x"),
        ("https://reader:secret@Example.org:443/x", "https://example.org/x"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


def test_normalize_url_is_idempotent() -> None:
    once = normalize_url("https://A.example/x/?utm_term=q&page=2#top")
    assert normalize_url(once) == once


LONG = " ".join(f"word{i}" for i in range(60))


def test_fingerprint_ignores_case_and_punctuation() -> None:
    a = fingerprint("Harbour Bridge Reopens", LONG)
    b = fingerprint("harbour bridge — reopens!", LONG.upper().replace(" ", ",  "))
    assert a
    assert a == b


def test_fingerprint_differs_for_different_stories() -> None:
    assert fingerprint("Bridge reopens", LONG) != fingerprint("Bridge closes", LONG)


def test_fingerprint_empty_for_short_text() -> None:
    assert fingerprint("A title", "just a few words here") == ""


def test_content_hash_changes_with_any_part() -> None:
    base = content_hash(("t", "l", None, ("a",)))
    assert base == content_hash(("t", "l", None, ("a",)))
    assert base != content_hash(("t", "l", None, ("b",)))
    assert base != content_hash(("t", "l2", None, ("a",)))


# ---- the decider: every case, as a table ----------------------------------------

ALDER = Outlet(id=5, url="https://alder.example/feed.xml", site_url="https://www.alder.example/")
WIRE = Outlet(id=9, url="https://wire.example/rss", site_url="https://wire.example/")
NEIGHBOUR = Outlet(id=9, url="https://alder.example/partners/feed.xml")  # a second feed on Alder's host
STORY = "https://alder.example/2026/bridge-reopens"  # Alder's own page
WIRE_STORY = "https://wire.example/stories/bridge-reopens"


def facts(*, guid: str = "alder-1", link: str = STORY, feed_hash: str = "h1") -> Facts:
    """An entry of Alder's feed."""
    return Facts(source=ALDER, guid=guid, link=link, content_hash=feed_hash)


def ours(*, alias: bool = False) -> Known:
    return Known(id=1, source_id=ALDER.id, content_hash="h1", alias=alias)


def wires(*, alias: bool = False) -> Known:
    return Known(id=2, source_id=WIRE.id, content_hash="h1", alias=alias)


def ask(phase: str, stored: Known | None, owner: Outlet | None, entry: Facts) -> Intent:
    if phase == "entry":
        return decide_entry(stored, owner, entry)
    if phase == "identity":
        return decide_identity(stored, owner, entry)
    return decide_lost_race(stored.id if stored else None)


DECISIONS = [
    # Before the page fetch: what the store knows of the entry by GUID, link or alias.
    pytest.param(
        "entry", None, None, facts(), Store(),
        id="unknown entry: store",
    ),
    pytest.param(
        "entry", None, None, facts(guid=""), Store(),
        id="unknown entry without GUID: store",
    ),
    pytest.param(
        "entry", ours(), None, facts(), Skip(),
        id="same source, same hash: skip",
    ),
    pytest.param(
        "entry", ours(), None, facts(feed_hash="h2"), Update(1),
        id="same source, changed hash: update",
    ),
    pytest.param(
        "entry", ours(alias=True), None, facts(guid="alder-1-repost", feed_hash="h2"), Alias(1, record=True),
        id="same source, re-post under a new GUID: alias, recorded (never an update)",
    ),
    pytest.param(
        "entry", ours(alias=True), None, facts(guid=""), Alias(1, record=False),
        id="same source, no GUID, found by link: alias, not recorded",
    ),
    pytest.param(
        "entry", wires(alias=True), WIRE, facts(link=WIRE_STORY), Alias(2, record=True),
        id="known through an alias of another source's article: alias",
    ),
    pytest.param(
        "entry", wires(), WIRE, facts(link=WIRE_STORY), Alias(2, record=True),
        id="another source's article, its host: alias",
    ),
    pytest.param(
        "entry", wires(), WIRE, facts(link="https://elsewhere.example/x"), Alias(2, record=True),
        id="another source's article, neither host: alias",
    ),
    pytest.param(
        "entry", wires(), WIRE, facts(guid="", link=WIRE_STORY), Alias(2, record=True),
        id="another source's article, no GUID: alias, recorded",
    ),
    pytest.param(
        "entry", wires(), WIRE, facts(), Transfer(2),
        id="another source's article, our host: transfer",
    ),
    pytest.param(
        "entry", wires(), WIRE, facts(link="https://www.alder.example/2026/bridge-reopens"), Transfer(2),
        id="another source's article, our host with www: transfer",
    ),
    pytest.param(
        "entry", wires(alias=True), WIRE, facts(), Transfer(2),
        id="known through an alias, our host: transfer",
    ),
    pytest.param(
        "entry", wires(), WIRE, facts(guid=""), Transfer(2),
        id="another source's article, our host, no GUID: transfer",
    ),
    pytest.param(
        "entry", wires(), NEIGHBOUR, facts(), Alias(2, record=True),
        id="another source's article, both on our host: alias",
    ),
    pytest.param(
        "entry", wires(), None, facts(), Alias(2, record=True),
        id="another source's article, that source gone: alias",
    ),
    pytest.param(
        "entry", wires(), WIRE, facts(link=""), Alias(2, record=True),
        id="another source's article, no link: alias",
    ),
    # After extraction: an article with the same canonical URL or fingerprint.
    pytest.param(
        "identity", None, None, facts(), Store(),
        id="identity: no match: store",
    ),
    pytest.param(
        "identity", None, None, facts(guid=""), Store(),
        id="identity: no match, no GUID: store",
    ),
    pytest.param(
        "identity", ours(), None, facts(guid="alder-9"), Alias(1, record=True),
        id="identity: our own article under another GUID: alias, recorded",
    ),
    pytest.param(
        "identity", ours(), None, facts(guid=""), Alias(1, record=False),
        id="identity: our own article, no GUID: alias, not recorded",
    ),
    pytest.param(
        "identity", wires(), WIRE, facts(link=WIRE_STORY), Alias(2, record=True),
        id="identity: another source's article, not ours: alias",
    ),
    pytest.param(
        "identity", wires(), WIRE, facts(), Transfer(2),
        id="identity: another source's article, our host: transfer",
    ),
    pytest.param(
        "identity", wires(), WIRE, facts(guid=""), Transfer(2),
        id="identity: another source's article, our host, no GUID: transfer",
    ),
    # Storing found the URL stored a moment ago by another worker.
    pytest.param(
        "race", wires(), None, facts(), Alias(2, record=True),
        id="concurrent insert: alias, recorded",
    ),
    pytest.param(
        "race", ours(), None, facts(guid=""), Alias(1, record=True),
        id="concurrent insert, no GUID: alias",
    ),
    pytest.param(
        "race", None, None, facts(), Skip(),
        id="concurrent insert, article not found: skip",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("phase", "stored", "owner", "entry", "expected"), DECISIONS)
def test_decide(
    phase: str, stored: Known | None, owner: Outlet | None, entry: Facts, expected: Intent
) -> None:
    assert ask(phase, stored, owner, entry) == expected


def test_hosts_match() -> None:
    assert hosts_match("https://www.alder.example/a", "http://alder.example/feed.xml")
    assert hosts_match("https://alder.example/a", "", "https://Alder.Example./")
    assert not hosts_match("https://alder.example/a", "https://brook.example/feed")
    assert not hosts_match("https://alder.example/a")
    assert not hosts_match("not a url", "")
