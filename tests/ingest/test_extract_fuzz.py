"""Hypothesis: whatever arrives, extraction raises nothing but ExtractError, and sanitizing nothing."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.ingest.stages.extract import extract_article
from newsdesk.ingest.stages.sanitize import html_to_text, sanitize_html
from newsdesk.types import Extracted, ExtractError

TAGS = [
    "html",
    "head",
    "body",
    "article",
    "div",
    "p",
    "a",
    "script",
    "style",
    "meta",
    "title",
    "h1",
    "aside",
    "nav",
    "time",
    "img",
    "amp-img",
    "svg",
    "table",
    "li",
    "ul",
    "form",
    "iframe",
    "template",
    "br",
]
ATTRIBUTES = [
    "class",
    "id",
    "style",
    "hidden",
    "href",
    "src",
    "role",
    "aria-label",
    "charset",
    "content",
    "property",
    "name",
    "datetime",
    "lang",
    "onerror",
]
WORDS = [
    "cookie", "Read More:", "Live News", "Subscribe", "By Ana Ruiz and Tom Lee", "2024-03-05", "share",
    "display:none", "javascript:alert(1)", "&amp;", "&#0;", "<", ">", "\x00", "é", "ا", "😀", "\ufeff",
]  # fmt: skip


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    """Tag soup: real tag names and attributes, unbalanced on purpose, with furniture words."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 3))
        if choice == 0 or depth > 2:
            parts.append(draw(st.sampled_from(WORDS) | st.text(max_size=20)))
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = draw(st.lists(st.tuples(st.sampled_from(ATTRIBUTES), st.sampled_from(WORDS)), max_size=3))
            rendered = "".join(f' {name}="{value}"' for name, value in attrs)
            inner = draw(markup(depth + 1))
            closing = draw(st.booleans())
            parts.append(f"<{tag}{rendered}>{inner}" + (f"</{tag}>" if closing else ""))
    return "".join(parts)


def check(content: bytes | str, charset: str | None = None) -> None:
    message = None
    try:
        result = extract_article(content, charset=charset)
    except ExtractError as error:
        message = str(error)
    if message is not None:
        assert message.endswith(".")
        assert "\n" not in message
        return
    assert isinstance(result, Extracted)
    assert "<script" not in result.html.lower()
    assert result.published is None or result.published.utcoffset() is not None


EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes(content: bytes) -> None:
    check(content)


@FUZZ
@given(st.text(max_size=2000))
def test_any_text(content: str) -> None:
    check(content)


@FUZZ
@given(markup(), st.sampled_from([None, "utf-8", "windows-1252", "utf-16", "shift_jis", "bogus", ""]))
def test_tag_soup(content: str, charset: str | None) -> None:
    check("<html><body>" + content, charset)
    check(content.encode("utf-8", "surrogatepass"), charset)


@FUZZ
@given(st.text(max_size=2000) | markup())
def test_sanitize_never_raises_and_never_lets_script_through(html: str) -> None:
    cleaned = sanitize_html(html, "https://news.example/a/")
    assert "<script" not in cleaned.lower()
    assert not EVENT_HANDLER.search(cleaned)  # text "<" is escaped, so every "<" left opens a real tag
    assert "<script" not in html_to_text(html).lower() or "&lt;script" in cleaned.lower()
