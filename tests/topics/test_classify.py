"""The pure mapping from categories and words to the clean topic set."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.topics.classify import DATA, Tables, classify, normalise, topic_slugs


def test_normalise_folds_case_accents_and_punctuation():
    assert normalise("Élections / UK-Politics!") == "elections uk politics"
    assert normalise("Straße") == "strasse"


def test_a_feed_category_is_enough():
    assert topic_slugs(["Sport"], "Saturday round-up", "") == ["sport"]
    assert topic_slugs(["Wirtschaft"], "", "") == ["business"]
    assert topic_slugs(["Météo"], "", "") == ["weather"]


def test_hierarchical_and_compound_categories():
    assert topic_slugs(["News > UK Politics"], "", "") == ["politics"]
    assert topic_slugs(["uk-politics"], "", "") == ["politics"]
    assert topic_slugs(["Arts & Culture"], "", "") == ["culture"]


def test_short_category_words_do_not_match_inside_others():
    # "art" and "ai" are category names, but not inside "Party art" or "Thai food".
    assert "technology" not in topic_slugs(["Thai food"], "", "")
    assert topic_slugs(["Street party"], "", "") == []


def test_keywords_in_title_and_text():
    matches = classify(
        [],
        "Heavy rain and storms expected",
        "The Met Office issued a weather warning. Forecasters expect flooding by Sunday.",
    )
    assert matches[0].slug == "weather"
    assert any(reason.startswith("title: ") for reason in matches[0].reasons)
    assert any("met office" in reason for reason in matches[0].reasons)


def test_prefix_keywords_match_endings_but_not_other_words():
    text = "The electoral commission and the ministers met."
    assert "politics" in topic_slugs([], "Elections called", text)
    # "authority" is not "author", "trampoline" is not "tram".
    text = "The authority said trampolines are safe."
    assert topic_slugs([], "Authorities inspect trampolines", text) == []


def test_one_weak_hint_is_not_enough():
    assert topic_slugs([], "A school fete", "Cakes were sold.") == []


def test_at_most_three_topics_best_first():
    text = (
        "The minister and parliament debated the election. Police made an arrest after the court case. "
        "The hospital, its doctors and patients, the vaccine. "
        "The school, its teachers, students and classrooms. "
        "The railway, the airport, the motorway and the ferry."
    )
    matches = classify(["Politics"], "Minister election", text)
    assert len(matches) == 3
    assert matches[0].slug == "politics"
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_tables_are_data():
    rule = {"slug": "gardening", "name": "Gardening", "categories": ["Garden"], "keywords": ["compost*"]}
    tables = Tables.from_data({"topics": [rule]})
    assert topic_slugs(["garden"], "", "", tables=tables) == ["gardening"]
    assert topic_slugs([], "Composting tips", "Compost heaps and composters.", tables=tables) == ["gardening"]


def test_shipped_tables_are_well_formed():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    slugs = [t["slug"] for t in data["topics"]]
    assert len(slugs) == len(set(slugs)) >= 15
    for topic in data["topics"]:
        assert topic["name"]
        assert topic["categories"]


@given(st.lists(st.text(max_size=30), max_size=5), st.text(max_size=80), st.text(max_size=500))
def test_never_fails_on_any_input(categories, title, text):
    matches = classify(categories, title, text)
    assert len(matches) <= 3
    assert all(m.score >= 3 for m in matches)


def test_a_passing_mention_beside_a_named_topic_is_not_a_topic():
    # A housing story that mentions a doctor's surgery in passing: three health words in the text only.
    text = (
        "The city council approved four hundred flats on the old quay. Neighbours worry about the doctor's "
        "surgery, already closed to new patients."
    )
    assert topic_slugs(["Council", "Housing"], "Council backs harbour homes", text) == ["local"]
    # Without a category or title naming another topic, the same words still make the topic.
    assert topic_slugs([], "A busy week on the quay", text) == ["health"]
    # A fourth health word in the text is more than a passing mention.
    more = text + " A new hospital wing is planned."
    assert topic_slugs(["Council"], "Council backs harbour homes", more) == ["local", "health"]


def test_transit_and_council_categories_name_their_topics():
    assert topic_slugs(["Transit"], "Route 14 cut", "Fewer runs in the evening.") == ["transport"]
    assert topic_slugs(["Council"], "Budget set", "The vote was close.") == ["local"]
    bus = topic_slugs([], "Bus cut leaves the hill stranded", "The last bus now leaves at six.")
    assert bus == ["transport"]
