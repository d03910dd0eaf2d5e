"""The keyword lists load, match whole words in spaced scripts, anywhere in Chinese and Japanese."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.integrity.lexicon import CATEGORIES, KEYWORDS_DIR, Lexicon, Term, default_lexicon, load_terms
from newsdesk.integrity.text import mask_quotes, tally

REQUIRED_LANGUAGES = {"en", "id", "ms", "ja", "vi"}


def test_every_required_language_has_gambling_and_pharma_terms() -> None:
    terms = load_terms()
    for language in REQUIRED_LANGUAGES:
        mine = [t for t in terms if t.language == language]
        assert {t.category for t in mine} >= {"gambling", "pharma"}, language
        assert any(t.tier == "promo" for t in mine if t.category == "gambling"), language
        assert any(t.tier == "promo" for t in mine if t.category == "pharma"), language


def test_the_japanese_keyword_hack_is_listed() -> None:
    terms = {t.text: t for t in load_terms() if t.language == "ja"}
    assert terms["スーパーコピー"].category == "counterfeit"
    assert terms["スーパーコピー"].tier == "promo"
    assert terms["n級品"].tier == "promo"  # written "N級品", normalised to lower case


def test_a_malformed_list_is_refused(tmp_path: Path) -> None:
    (tmp_path / "xx.toml").write_text('[lottery]\npromo = ["win"]\n')
    with pytest.raises(ValueError, match="unknown category"):
        load_terms(tmp_path)
    (tmp_path / "xx.toml").write_text('[gambling]\nstrong = ["win"]\n')
    with pytest.raises(ValueError, match="unknown tier"):
        load_terms(tmp_path)


def test_a_new_list_is_picked_up(tmp_path: Path) -> None:
    (tmp_path / "th.toml").write_text('[gambling]\npromo = ["สล็อตเว็บตรง"]\ntopic = ["คาสิโน"]\n')
    lexicon = Lexicon(load_terms(tmp_path))
    found = tally(lexicon, "สมัครสล็อตเว็บตรงวันนี้")
    assert [h.term.text for h in found.hits] == ["สล็อตเว็บตรง"]
    assert set(CATEGORIES) >= {t.category for t in load_terms(KEYWORDS_DIR)}


def test_longest_term_wins_and_words_must_be_whole() -> None:
    found = tally(default_lexicon(), "Main SLOT  GACOR hari ini, bukan slotgacor atau Slots-R-Us.")
    texts = [h.term.text for h in found.hits]
    assert "slot gacor" in texts  # case and double spaces do not matter
    assert "slot" not in texts  # the longer term took those words
    assert "slots" in texts  # "Slots-R-Us": a hyphen is a word boundary
    assert all("slotgacor" not in t for t in texts)


def test_full_width_letters_are_normalised() -> None:
    found = tally(default_lexicon(), "ｓｌｏｔ　ｇａｃｏｒ ｍａｘｗｉｎ")
    assert {h.term.text for h in found.hits} == {"slot gacor", "maxwin"}


def test_chinese_and_japanese_terms_match_without_spaces() -> None:
    found = tally(default_lexicon(), "ルイヴィトン財布スーパーコピー激安通販N級品")
    assert {"スーパーコピー", "激安通販", "n級品"} <= {h.term.text for h in found.hits}


def test_quoted_mentions_are_not_counted() -> None:
    text = "The pages advertised “slot gacor” and 'maxwin' offers, and one said \"bonus new member\"."
    assert tally(default_lexicon(), text).hits == ()
    assert len(tally(default_lexicon(), text, skip_quotes=False).hits) == 3
    assert mask_quotes("a “b” c") == "a     c"


def test_a_term_listed_in_two_tiers_keeps_the_stronger() -> None:
    lexicon = Lexicon([Term("gacor", "gambling", "topic", "en"), Term("gacor", "gambling", "promo", "id")])
    assert lexicon.terms["gacor"].tier == "promo"


def test_news_words_are_not_promotional() -> None:
    """What a crime or regulation report says is topic, never promo."""
    for text in ("judi online", "togel", "casino", "đánh bạc", "偽物", "pharmacy", "judi haram", "カジノ"):
        found = tally(default_lexicon(), text)
        assert found.hits, text
        assert found.count(tier="promo") == 0, text
