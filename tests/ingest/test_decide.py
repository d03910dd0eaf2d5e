from __future__ import annotations

import pytest

from newsdesk.ingest.stages.decide import Action, Known, content_hash, decide, fingerprint, normalize_url


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


def test_decide() -> None:
    known = Known(id=1, source_id=5, content_hash="h")
    assert decide(None, source_id=5, new_hash="h") is Action.NEW
    assert decide(known, source_id=5, new_hash="h") is Action.SAME
    assert decide(known, source_id=5, new_hash="other") is Action.UPDATE
    assert decide(known, source_id=9, new_hash="h") is Action.DUPLICATE
    # A re-post recorded as an alias never overwrites the article it copies.
    alias = Known(id=1, source_id=5, content_hash="h", alias=True)
    assert decide(alias, source_id=5, new_hash="other") is Action.DUPLICATE


def test_hosts_match() -> None:
    from newsdesk.ingest.stages.decide import hosts_match

    assert hosts_match("https://www.alder.example/a", "http://alder.example/feed.xml")
    assert hosts_match("https://alder.example/a", "", "https://Alder.Example./")
    assert not hosts_match("https://alder.example/a", "https://brook.example/feed")
    assert not hosts_match("https://alder.example/a")
    assert not hosts_match("not a url", "")
