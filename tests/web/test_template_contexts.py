"""The public templates give their helpers the page's own context, never a copy of it, and `_()` is the
environment's gettext itself (docs/decisions/0017, 2026-12-07 h11k).

Jinja2 copies the whole context (every block of the page) each time a function that takes the context is
called after a `{% set %}` in a block or inside a loop; the article page made six such copies. The blocks that
call such helpers hold their own names with `{% with %}`, and `_()` no longer takes the context."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation
from jinja2.runtime import Context

from newsdesk.core import links

from .seed import Newsroom

pytestmark = pytest.mark.django_db


def test_the_public_pages_render_without_copying_their_context(newsroom: Newsroom, monkeypatch) -> None:
    copies: list[str | None] = []
    derived = Context.derived

    def counted(self: Context, locals: dict | None = None) -> Context:  # Jinja2's own name
        copies.append(self.name)
        return derived(self, locals)

    monkeypatch.setattr(Context, "derived", counted)
    story, source = newsroom.articles[0], newsroom.sources[0]
    topic = next(iter(newsroom.topics.values()))
    client = Client()
    for path in (
        links.article_path(story.pk, story.title),
        links.article_path(newsroom.no_author.pk, newsroom.no_author.title),
        "/",
        links.topic_path(topic.slug),
        links.source_path(source.pk, source.name),
        "/topics/",
        "/sources/",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert b'<footer class="site-footer">' in answer.content
    assert copies == []


def test_underscore_is_djangos_gettext_in_the_active_language() -> None:
    """(tests/newsletter/test_i18n.py renders whole pages with a German catalog through the same `_()`.)"""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    assert env.globals["_"] is env.globals["gettext"]
    words = ("Search", "Sources", "Full coverage: %(counter)s outlet")
    template = env.from_string("|".join(f'{{{{ _("{word}") }}}}' for word in words))
    for language in ("en", "de"):
        with translation.override(language):
            assert template.render({}) == "|".join(translation.gettext(word) for word in words)
