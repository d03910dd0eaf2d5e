"""Stories on the site, through Django's test client on the real database."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from newsdesk.core import links
from newsdesk.stories.actions import do_assign_story
from newsdesk.stories.models import Story
from tests.stories.test_actions import _rows, _store

pytestmark = pytest.mark.django_db


@pytest.fixture
def fire() -> tuple[Story, dict[str, int]]:
    rows = _rows("e001", "e002")
    # One outlet per article, so that the fire is covered by five outlets.
    for n, row in enumerate(rows):
        row["outlet"] = f"{row['outlet']} {n}"
    ids = _store(rows)
    for article_id in ids.values():
        do_assign_story(article_id)
    story = Story.objects.get(members__article_id=ids["e001-a1"])
    return story, ids


def test_story_page_lists_every_outlet_oldest_first_with_read_more(
    fire: tuple[Story, dict[str, int]],
) -> None:
    story, _ids = fire
    html = Client().get(links.story_path(story.pk)).content.decode()
    links_out = re.findall(r'class="read-more__link" href="([^"]+)"', html)
    assert len(links_out) == 5
    # oldest first: e001-a3 (06:16) opens the timeline, the follow-up (next day) closes it
    assert links_out[0].endswith("e001-a3")
    assert links_out[-1].endswith("e001-a5")
    assert "Full coverage: 5 outlets" in html
    # excerpts only: the second paragraph of a member's text is never on the page
    assert "Crews were called at 4.12am" not in html


def test_home_ranks_story_cards_and_the_article_links_to_its_story(
    fire: tuple[Story, dict[str, int]],
) -> None:
    story, ids = fire
    budget = Story.objects.get(members__article_id=ids["e002-a1"])
    home = Client().get("/").content.decode()
    cards = re.findall(r'<p class="story-cluster__count"><a href="([^"]+)">(\d+) sources</a>', home)
    # The budget (4 outlets, 4 March) is recent; the fire (5 outlets) was last updated more than
    # 48 hours before it, so recency keeps it off the cards.
    assert cards == [(links.story_path(budget.pk), "4")]
    others = home[home.index("story-cluster__others") :]
    assert len(re.findall(r"<li><a href=", others[: others.index("</ul>")])) == 3
    article = Client().get(links.article_path(ids["e001-a2"], "x"), follow=True).content.decode()
    assert f'href="{links.story_path(story.pk)}"' in article
    assert "Full coverage: 5 outlets" in article


def test_cards_rank_by_outlets_then_recency(fire: tuple[Story, dict[str, int]]) -> None:
    from newsdesk.web.views.stories import story_cards

    story, ids = fire
    Story.objects.filter(pk=story.pk).update(
        last_updated=Story.objects.order_by("-last_updated")[0].last_updated
    )
    cards = story_cards()
    assert [c.sources for c in cards] == [5, 4]
    assert cards[0].story.pk == story.pk
    assert cards[0].lead.pk == ids["e001-a3"]


def test_live_news_column_carries_each_headlines_story(fire: tuple[Story, dict[str, int]]) -> None:
    """A server-rendered headline names its story, so a later story event can update its count in place."""
    story, ids = fire
    html = Client().get("/live/").content.decode()
    item = re.search(
        rf'<li class="live-news__item" data-article-id="{ids["e001-a2"]}"([^>]*)>(.*?)</li>', html, re.S
    )
    assert item is not None
    assert f'data-story-id="{story.pk}"' in item.group(1)
    count = re.search(
        r'<a class="live-news__sources" href="([^"]+)" data-sources="(\d+)"[^>]*>([^<]*)</a>', item.group(2)
    )
    assert count is not None
    assert count.groups() == (links.story_path(story.pk), "5", "5 sources")
