"""The JSON API's stories, and the story field on articles."""

from __future__ import annotations

import pytest
from django.test import Client

from newsdesk.stories.actions import do_assign_story
from tests.stories.test_actions import _rows, _store

pytestmark = pytest.mark.django_db


def test_api_lists_stories_and_articles_carry_their_story() -> None:
    ids = _store(_rows("e008"))
    for article_id in ids.values():
        do_assign_story(article_id)
    client = Client()
    page = client.get("/api/stories").json()
    assert page["page"] == 1
    story = page["items"][0]
    assert set(story) == {"id", "title", "articles", "sources", "first_published", "last_updated"}
    assert set(story["articles"]) <= set(ids.values())
    one = client.get(f"/api/stories/{story['id']}").json()
    assert one == story
    assert client.get("/api/stories/999999").status_code == 404
    article = client.get(f"/api/articles/{story['articles'][0]}").json()
    assert article["story"] == story["id"]
    listed = client.get("/api/articles").json()["items"]
    assert {a["story"] for a in listed} >= {story["id"]}
