"""Staff split and merge stories through the admin's actions; the decision survives a rebuild."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from newsdesk.stories import queries
from newsdesk.stories.actions import do_rebuild
from newsdesk.stories.models import Story, StoryMember
from tests.stories.test_actions import _rows, _store

pytestmark = pytest.mark.django_db


def test_admin_split_and_merge_survive_rebuild() -> None:
    ids = _store(_rows("e003", "e008"))
    do_rebuild()
    staff = get_user_model().objects.create_superuser("editor", "editor@example.test", "pw-for-tests")
    client = Client()
    client.force_login(staff)
    rates = queries.story_ids([ids["e003-a1"]])[ids["e003-a1"]]
    rents = queries.story_ids([ids["e008-a1"]])[ids["e008-a1"]]
    wires = StoryMember.objects.filter(article_id__in=[ids["e003-a3"], ids["e003-a4"]])
    response = client.post(
        "/admin/stories/storymember/",
        {"action": "split", "_selected_action": [str(m.pk) for m in wires]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Split into a new story" in response.content.decode()
    response = client.post(
        "/admin/stories/story/",
        {"action": "merge", "_selected_action": [str(rates), str(rents)]},
        follow=True,
    )
    assert "Merged 2 stories" in response.content.decode()
    do_rebuild()
    after = queries.story_ids(list(ids.values()))
    assert after[ids["e003-a3"]] == after[ids["e003-a4"]] != after[ids["e003-a1"]]
    assert after[ids["e003-a1"]] == after[ids["e008-a1"]]
    assert Story.objects.count() == 2
