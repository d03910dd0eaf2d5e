"""The kept article parts follow the changes that do not write the article itself: a source renamed by an
editor or named by its first check (a queued task draws its articles' parts again), and topics rebuilt
(`newsdesk topics rebuild` draws again the parts whose topics it changed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.models import Article, ArticlePage
from newsdesk.cli import main as cli_main
from newsdesk.core import figures, links
from newsdesk.sources import actions as source_actions
from newsdesk.sources.polling import Hints
from newsdesk.topics.actions import do_set_article_topics
from newsdesk.topics.models import Topic
from newsdesk.web import article_page
from tests.support.newsroom import make_article, make_source

pytestmark = pytest.mark.django_db


def _shown(article: Article) -> tuple[str, int]:
    """The story's own part as the page shows it, and how many queries the page made (1: the kept part)."""
    client = Client()
    path = links.article_path(article.pk, article.title)
    client.get(path)  # remembered figures, warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode().split("</article>")[0], len(queries)


def test_a_source_renamed_by_an_editor_has_its_articles_parts_drawn_again(
    django_capture_on_commit_callbacks,
) -> None:
    source = make_source("Harbour Herald")
    other = make_article(make_source("Inland Times"), title="Field day")
    stories = [make_article(source, title="Tide tables"), make_article(source, title="Pier repairs")]
    article_page.fill([a.pk for a in [*stories, other]])
    kept_other = ArticlePage.objects.get(article=other).key
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        source_actions.do_edit_source(source.pk, name="Harbour & Quay Herald")
    assert len(callbacks) == 1
    for article in stories:
        shown, queries = _shown(article)
        assert queries == 1  # drawn again by the task: the page reads the kept part
        assert "Harbour &amp; Quay Herald" in shown
        assert "Harbour Herald" not in shown
    assert ArticlePage.objects.get(article=other).key == kept_other  # another source's stay as they were


def test_an_edit_that_pages_do_not_show_queues_nothing(django_capture_on_commit_callbacks) -> None:
    source = make_source("Harbour Herald")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        source_actions.do_edit_source(source.pk, language="de", name="Harbour Herald")
    assert callbacks == []


def test_a_source_named_by_its_first_check_has_its_articles_parts_drawn_again(
    django_capture_on_commit_callbacks,
) -> None:
    source = make_source("x")
    source.name = ""
    source.save()
    article = make_article(source, title="Lighthouse open day")
    article_page.fill([article.pk])
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        source_actions.do_record_success(
            source.pk, now=now, etag=None, last_modified=None, published=[now - timedelta(hours=1)],
            hints=Hints(None, None, None), feed_title="Lighthouse Weekly",
        )  # fmt: skip
    shown, queries = _shown(article)
    assert queries == 1
    assert "Lighthouse Weekly" in shown


@pytest.mark.django_db(transaction=True)
def test_topics_rebuild_draws_again_the_parts_whose_topics_changed(capsys) -> None:
    Topic.objects.get_or_create(slug="weather", defaults={"name": "Weather"})
    Topic.objects.get_or_create(slug="sport", defaults={"name": "Sport"})
    changed = make_article(title="Storm warning for the coast", categories=["Weather"])
    do_set_article_topics({changed.pk: ["sport"]})  # to be corrected by the rebuild
    article_page.fill([changed.pk])
    assert cli_main(["topics", "rebuild", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Rendered 1 article page part(s) again." in out
    figures.forget()
    shown, queries = _shown(changed)
    assert queries == 1
    assert 'content="Weather"' in shown
    assert 'content="Sport"' not in shown
    assert cli_main(["topics", "rebuild", "--quiet"]) == 0
    assert "Rendered 0 article page part(s) again." in capsys.readouterr().out
