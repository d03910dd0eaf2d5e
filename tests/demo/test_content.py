"""The demo content meets its brief: enough outlets, formats, stories, words and mischief."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk_demo.content import DemoDataError, _load_outlet, load_outlets
from newsdesk_demo.images import MOTIFS

OUTLETS = load_outlets()
STORIES = [s for o in OUTLETS for s in o.stories]


def test_four_or_five_outlets_with_distinct_names_and_every_feed_format() -> None:
    assert 4 <= len(OUTLETS) <= 5
    assert len({o.name for o in OUTLETS}) == len(OUTLETS)
    assert {o.feed for o in OUTLETS} == {"rss", "atom", "json"}
    assert len({o.colours for o in OUTLETS}) == len(OUTLETS)


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda o: o.slug)
def test_each_outlet_has_six_to_ten_stories_three_to_five_held_back(outlet) -> None:
    assert 6 <= len(outlet.stories) <= 10
    assert 3 <= sum(s.held for s in outlet.stories) <= 5


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.key)
def test_each_story_is_complete(story) -> None:
    assert 250 <= story.word_count <= 600, story.word_count
    assert story.headline
    assert story.standfirst
    assert story.categories
    assert 1 <= len(story.authors) <= 2
    assert story.motif in MOTIFS
    assert story.image_alt


def test_stories_are_spread_over_two_to_three_days() -> None:
    ages = [s.hours_ago for s in STORIES if s.hours_ago is not None]
    assert all(0 < age <= 72 for age in ages)
    assert min(ages) < 6
    assert max(ages) > 48


def test_comments_are_not_older_than_their_story() -> None:
    for story in STORIES:
        for comment in story.comments:
            assert story.hours_ago is not None
            assert comment.minutes_after < story.hours_ago * 60, story.key


def test_exactly_one_syndicated_copy_with_tracking() -> None:
    copies = [s for s in STORIES if s.copy_of]
    assert len(copies) == 1
    copy = copies[0]
    original = next(s for s in STORIES if s.key == copy.copy_of)
    assert copy.outlet != original.outlet
    assert copy.paragraphs == original.paragraphs
    assert copy.headline == original.headline
    assert "utm_source=" in copy.tracking
    assert not copy.held
    assert not original.held


def test_exactly_one_hacked_outlet() -> None:
    hacked = [o for o in OUTLETS if o.spam]
    assert len(hacked) == 1
    assert [s.slug for s in hacked[0].stories if s.injected_spam] != []
    assert sum(s.injected_spam for s in STORIES) == 1


def test_slugs_and_post_numbers_are_unique_per_outlet() -> None:
    for outlet in OUTLETS:
        stories = outlet.all_stories()
        assert len({s.slug for s in stories}) == len(stories)
        assert len({s.number for s in stories}) == len(stories)


def test_bad_data_file_gives_one_plain_sentence(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"slug": "broken", "feed": "rss", "stories": [{"slug": "x", "number": 1}]}))
    with pytest.raises(DemoDataError) as error:
        _load_outlet(path)
    assert str(error.value) == "Demo data for broken/x is missing the field 'headline'."

    path.write_text("{not json")
    with pytest.raises(DemoDataError, match=r"^Cannot read demo data file broken.json: .*\.$"):
        _load_outlet(path)

    path.write_text(json.dumps({"slug": "broken", "feed": "rdf"}))
    with pytest.raises(DemoDataError, match="has feed 'rdf'"):
        _load_outlet(path)
