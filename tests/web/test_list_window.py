"""The list pages make their list's queryset only for a page the prepared first-page query does not read."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from newsdesk.core import links
from newsdesk.web import queries

from .seed import Newsroom


def test_a_first_page_makes_no_list_queryset_and_a_later_page_does(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "PAGE_SIZE": 2}
    topic = max(newsroom.topics.values(), key=lambda t: t.articles.count())
    source = max(newsroom.sources, key=lambda s: s.articles.count())
    paths = ("/", links.topic_path(topic.slug), links.source_path(source.pk, source.name))
    client = Client()
    first_pages = {path: client.get(path) for path in paths}  # the first-page queries are compiled here
    made: list[str] = []
    listed = queries.listed

    def counted() -> Any:
        made.append("listed")
        return listed()

    monkeypatch.setattr(queries, "listed", counted)
    for path in paths:
        again = client.get(path)
        assert again.status_code == 200
        assert again.content == first_pages[path].content
    assert made == []
    for path in paths:
        assert client.get(f"{path}?page=2").status_code == 200
    assert made == ["listed"] * len(paths)
