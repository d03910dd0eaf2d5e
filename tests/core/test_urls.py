"""The one test of a web address and the one cleaner (newsdesk/core/urls.py): examples, then properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.core.urls import is_web_url, safe_url

GOOD = [
    "https://example.org/a",
    "http://x.test",
    "HTTP://x.test/",
    "https://[::1]:8443/a?b=1#c",
    "https://vesti.example/лента.xml",
]


@pytest.mark.parametrize("url", GOOD)
def test_web_urls(url: str) -> None:
    assert is_web_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "about:blank#x", "javascript:alert(1)", "ftp://x.test/", "//x.test/", "", "http://", "http://:80/",
        "https://[::1", "http://x.test:99999/", "http://x.test:port/", "mailto:a@b.example",
        "https://user:secret@x.test/", "https://bank.example@evil.example/", "https://evil.example\\@x.test/",
        "http://x.test/a b", "http://x.test/a\tb", "http://x.test/a\nb", " http://x.test/", "http://x.test/\x00",
        "http://x.test/\x7f", "http://x.test/\x85", "http://x.test/\u00a0", "http://x.test/\u2028",
        "http://x.test/\u3000", "http://x.test/\ud800", "http://x.test/\ufffe", None, 42,
    ],
)  # fmt: skip
def test_not_web_urls(url: object) -> None:
    assert not is_web_url(url)


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("https://a.example/x", None, "https://a.example/x"),
        ("http://a.example/x?y=1#z", None, "http://a.example/x?y=1#z"),
        ("HTTPS://a.example/x", None, "https://a.example/x"),
        ("/x", "https://a.example/b/c", "https://a.example/x"),
        ("x", "https://a.example/b/c", "https://a.example/b/x"),
        ("//cdn.example/i.jpg", "https://a.example/", "https://cdn.example/i.jpg"),
        ("https://b.example/x", "https://a.example/", "https://b.example/x"),
        ("  https://a.example/  ", None, "https://a.example/"),
        ("\x00\x1f https://a.example/ \x01", None, "https://a.example/"),
        ("https://a.example/long\r\npath", None, "https://a.example/longpath"),  # a line break: removed
        ("https://a.example/my story.html", None, "https://a.example/my%20story.html"),
        ("https://a.example/a\x01b", None, None),
        ("https://a.example/a\x9bb", None, None),
        ("https://a.example/a\u00a0b", None, None),
        ("javascript:alert(1)", None, None),
        ("JAVASCRIPT:alert(1)", "https://a.example/", None),
        ("java\tscript:alert(1)", None, None),
        ("jav&#x09;ascript:alert(1)", None, None),
        ("data:text/html,hi", None, None),
        ("vbscript:x", None, None),
        ("ftp://a.example/x", None, None),
        ("mailto:a@b.example", None, None),
        ("https://user:pw@a.example/", None, None),
        ("/x", None, None),
        ("http://", None, None),
        ("https://[::1", None, None),
        ("", None, None),
        ("   ", "https://a.example/", None),
        (None, None, None),
        (["https://a.example/"], None, None),
        ("/x", "javascript:alert(1)", None),
        ("/x", "https://a.example/\x00", None),
    ],
)  # fmt: skip
def test_safe_url(url: object, base: str | None, expected: str | None) -> None:
    assert safe_url(url, base) == expected


# ---- properties ---------------------------------------------------------------------------------

PROPERTY = settings(max_examples=400, deadline=None)
HOSTS = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,8}){1,3}", fullmatch=True)
PATHS = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), blacklist_characters="#?\\\ufffe\uffff"
    ),
    max_size=40,
)
URLS = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}", st.sampled_from(["http", "https"]), HOSTS, PATHS
)
BASES = st.one_of(st.none(), URLS, st.text(max_size=40))
# Every character no web address may hold: C0 and C1 controls, DEL, whitespace, lone surrogates.
FORBIDDEN = st.one_of(
    st.characters(whitelist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    st.sampled_from(["\ufffe", "\uffff", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85"]),
)


def _forbidden(ch: str) -> bool:
    return unicodedata.category(ch) in {"Cc", "Cs", "Zs", "Zl", "Zp"} or ch.isspace() or ch in "\ufffe\uffff"


@PROPERTY
@given(URLS)
def test_a_well_formed_address_is_a_web_url_and_comes_back_as_it_is(url: str) -> None:
    assert is_web_url(url)
    assert safe_url(url) == url


@PROPERTY
@given(URLS, st.data())
def test_one_forbidden_character_anywhere_makes_it_no_web_url(url: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(url)))
    assert not is_web_url(url[:at] + data.draw(FORBIDDEN) + url[at:])


@PROPERTY
@given(st.text(max_size=200) | URLS, BASES)
def test_the_cleaner_gives_a_web_url_or_nothing_and_is_idempotent(value: str, base: str | None) -> None:
    result = safe_url(value, base)
    if result is None:
        return
    assert is_web_url(result)
    assert result.startswith(("http://", "https://"))
    assert not any(_forbidden(ch) for ch in result)
    assert safe_url(result) == result
    assert safe_url(result, base) == result


@PROPERTY
@given(st.text(max_size=200))
def test_anything_that_passes_holds_no_forbidden_character(text: str) -> None:
    if is_web_url(text):
        assert not any(_forbidden(ch) for ch in text)
        assert text.lower().startswith(("http://", "https://"))


@PROPERTY
@given(HOSTS, PATHS, st.sampled_from(["", "/", "a/", "a/b"]))
def test_a_relative_address_lands_on_the_base_host(host: str, path: str, folder: str) -> None:
    base = f"https://{host}/{folder}"
    result = safe_url("/" + path.lstrip("/"), base)  # not "//": that names another host
    assert result is not None
    assert result.startswith(f"https://{host}/")
