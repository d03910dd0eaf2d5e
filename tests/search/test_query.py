"""The query parser is pure: what a reader typed becomes words and phrases, never syntax."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.search.query import MAX_TERMS, parse_query


def test_words_and_phrases():
    parsed = parse_query('harbour "night ferry" Bridge harbour')
    assert parsed.words == ("harbour", "Bridge")
    assert parsed.phrases == (("night", "ferry"),)
    assert parsed.problem == ""


def test_empty_and_blank_ask_for_words():
    for text in ("", "   ", None, "\x00\x00"):
        parsed = parse_query(text)
        assert parsed.empty
        assert "word" in parsed.problem


def test_only_punctuation_has_no_words():
    parsed = parse_query("?!… --- ((( ))) ***")
    assert parsed.empty
    assert parsed.problem.startswith("There were no words")


def test_fts_syntax_becomes_plain_words():
    parsed = parse_query('"AND OR NEAR(')
    assert parsed.words == ("AND", "OR", "NEAR")
    assert "quotation mark" in parsed.problem


def test_very_long_input_is_cut_and_said_so():
    parsed = parse_query("word " * 2000)
    assert parsed.words == ("word",)
    assert "very long" in parsed.problem
    many = parse_query(" ".join(f"w{i}" for i in range(40)))
    assert len(many.words) == MAX_TERMS
    assert "first 12 words" in many.problem


def test_other_scripts_are_words():
    assert parse_query("السلام عليكم").words == ("السلام", "عليكم")
    assert parse_query("Zürich Straße").words == ("Zürich", "Straße")


@given(st.text(max_size=400))
def test_any_text_parses_without_error(text):
    parsed = parse_query(text)
    assert parsed.empty == (not parsed.words and not parsed.phrases)
    if parsed.empty:
        assert parsed.problem
