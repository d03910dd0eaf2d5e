"""make_excerpt: the lead of a story, cut cleanly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.ingest.stages.excerpt import ELLIPSIS, make_excerpt

STORY = (
    "The council met on Tuesday. It voted to repair the old bridge, which has been closed since spring. "
    "Residents cheered. The work will start in May and cost about two million. Dr. Ruiz said the plan "
    "was sound, but others disagreed strongly with the timing."
)


def words_in(text: str) -> int:
    return len(text.removesuffix(ELLIPSIS).split())


def test_short_text_is_returned_unchanged() -> None:
    text = "A short story in a few words."
    assert make_excerpt(text, 60) == text


def test_text_of_exactly_the_budget_is_not_cut() -> None:
    text = " ".join(f"w{i}" for i in range(60))
    assert make_excerpt(text, 60) == text


def test_one_word_over_the_budget_is_cut_at_a_word() -> None:
    text = " ".join(f"w{i}" for i in range(61))
    assert make_excerpt(text, 60) == " ".join(f"w{i}" for i in range(60)) + ELLIPSIS


@pytest.mark.parametrize("budget", [1, 2, 5, 10, 17, 25, 33])
def test_never_more_words_than_the_budget(budget: int) -> None:
    assert words_in(make_excerpt(STORY, budget)) <= budget


def test_cuts_at_a_sentence_end_in_the_last_third() -> None:
    # 20 words: "Residents cheered." ends word 20, inside the last third (14..20).
    assert make_excerpt(STORY, 20) == (
        "The council met on Tuesday. It voted to repair the old bridge, which has been closed since spring. "
        "Residents cheered…"
    )


def test_falls_back_to_a_word_boundary_when_no_sentence_ends_near() -> None:
    # 10 words: the only sentence end (word 5) is before the last third (7..10).
    assert make_excerpt(STORY, 10) == "The council met on Tuesday. It voted to repair the…"


def test_an_abbreviation_is_not_a_sentence_end() -> None:
    text = "Work starts soon. The mayor and Dr. Ruiz met the builders on the site and agreed a plan for it."
    # 9 words: "Dr." (word 7) is the only full stop in the last third (words 6..9); it must not count.
    assert make_excerpt(text, 9) == "Work starts soon. The mayor and Dr. Ruiz met…"


def test_no_dangling_punctuation_before_the_ellipsis() -> None:
    assert make_excerpt("One, two, three, four, five, six", 3) == "One, two, three…"
    assert make_excerpt("Alpha beta gamma: delta epsilon", 3) == "Alpha beta gamma…"
    assert make_excerpt('He said "yes." Then he left the room quietly', 3) == 'He said "yes…'


def test_whitespace_and_paragraphs_collapse_to_single_spaces() -> None:
    assert make_excerpt("First para.\n\nSecond   para.", 60) == "First para. Second para."


def test_a_cut_excerpt_ends_with_the_ellipsis_and_nothing_else() -> None:
    result = make_excerpt(STORY, 7)
    assert result.endswith(ELLIPSIS)
    assert result.count(ELLIPSIS) == 1


def test_unicode_words_are_kept_whole() -> None:
    text = "Élodie Marchand a goûté les tommes affinées dans les caves voûtées du bâtiment d’origine"
    assert make_excerpt(text, 4) == "Élodie Marchand a goûté…"


def test_arabic_sentence_end_is_recognised() -> None:
    text = "افتتحت البلدية مكتبة جديدة؟ وستفتح المكتبة أبوابها كل يوم من التاسعة صباحا"
    assert make_excerpt(text, 5) == "افتتحت البلدية مكتبة جديدة…"


def test_chinese_counts_characters_as_words() -> None:
    text = "东京的天气今天很好。我们去公园散步吧！然后吃饭。"
    assert make_excerpt(text, 8) == "东京的天气今天很…"
    assert make_excerpt(text, 11) == "东京的天气今天很好…"


def test_empty_text_and_zero_budget() -> None:
    assert make_excerpt("", 60) == ""
    assert make_excerpt("   \n ", 60) == ""
    assert make_excerpt("some words here", 0) == ""


@given(st.text(), st.integers(min_value=1, max_value=80))
def test_any_text_gives_a_lead_of_the_text_within_budget(text: str, budget: int) -> None:
    result = make_excerpt(text, budget)
    flat = " ".join(text.split())
    if result != flat:  # it was cut
        assert result.endswith(ELLIPSIS)
        assert words_in(result) <= budget
        assert flat.startswith(result.removesuffix(ELLIPSIS))


def _reference_excerpt(text: str, words: int) -> str:
    """make_excerpt as it was before its short-text shortcut: every input tokenised."""
    from newsdesk.ingest.stages import excerpt as module

    flat = module._SPACE.sub(" ", text).strip()
    tokens = list(module._TOKEN.finditer(flat))
    if len(tokens) <= words:
        return flat
    if words <= 0:
        return ""
    cut = module._sentence_cut(flat, tokens, words)
    if cut is None:
        cut = tokens[words - 1].end()
    return flat[:cut].rstrip(module._DANGLING) + module.ELLIPSIS


@given(
    text=st.text(alphabet=st.sampled_from(list("ab .,!?\n\t\u3000\u00a0\u4e00\u3042x")), max_size=80),
    words=st.integers(min_value=-1, max_value=12),
)
def test_the_short_text_shortcut_cuts_as_the_full_walk(text, words):
    assert make_excerpt(text, words) == _reference_excerpt(text, words)
