"""Each action that writes a story renders its page's kept part again on commit (or drops it), and the
story's own page shows the change within the page cache's seconds: a store, an edit, a quarantine, an
approval, a rejection, a deletion, the full text dropped by retention. Through the whole WSGI application
with the page cache in front, as tests/web/test_reuse.py does for the other pages."""

from __future__ import annotations

import time
from typing import Any

import pytest

from newsdesk.articles import actions
from newsdesk.articles.models import Article, ArticlePage
from newsdesk.core import links
from newsdesk.web import article_page, queries
from newsdesk.web.retention import _drop_full_text
from tests.support.newsroom import make_source
from tests.web.test_reuse import SECONDS, default_topics, draft, get, site  # noqa: F401  # fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def own_page(app: Any, pk: int) -> tuple[str, str]:
    """The story's page at its current address (an edited headline moves it: follow the redirect)."""
    status, html = get(app, f"/article/{pk}/")
    if status.startswith("301"):
        title = Article.objects.get(pk=pk).title
        status, html = get(app, links.article_path(pk, title))
    return status, html


def kept_is_current(pk: int) -> bool:
    article = Article.objects.select_related("source").get(pk=pk)
    kept = ArticlePage.objects.filter(article_id=pk).first()
    return kept is not None and kept.key == article_page.page_key(article, queries.article_topics(article))


def test_every_action_renders_or_drops_the_kept_part_and_the_page_follows(site):  # noqa: F811
    source = make_source("The Kept Gazette")
    _, pk = actions.do_store_article(draft(source.pk, 1, title="Harbour wall repaired"))
    assert pk is not None
    assert kept_is_current(pk)  # rendered on commit, after the topics were assigned
    status, html = own_page(site, pk)
    assert status.startswith("200")
    assert "Harbour wall repaired" in html

    actions.do_update_article(
        pk, draft(source.pk, 1, title="Harbour wall repaired at last", authors=["Ada Mole"])
    )
    assert kept_is_current(pk)
    time.sleep(SECONDS + 0.1)
    status, html = own_page(site, pk)
    assert "Harbour wall repaired at last" in html
    assert "By Ada Mole" in html

    actions.do_update_article(pk, draft(source.pk, 1, status=Article.Status.QUARANTINED))
    assert not ArticlePage.objects.filter(article_id=pk).exists()
    time.sleep(SECONDS + 0.1)
    assert own_page(site, pk)[0].startswith("404")

    actions.do_approve_article(pk, reviewer="editor")
    assert kept_is_current(pk)
    time.sleep(SECONDS + 0.1)
    status, html = own_page(site, pk)
    assert status.startswith("200")
    assert "Harbour story 1" in html

    actions.do_reject_article(pk, reviewer="editor")
    assert not ArticlePage.objects.filter(article_id=pk).exists()
    time.sleep(SECONDS + 0.1)
    assert own_page(site, pk)[0].startswith("404")


def test_a_deleted_story_takes_its_kept_part_with_it(site):  # noqa: F811
    source = make_source("The Kept Gazette")
    _, pk = actions.do_store_article(draft(source.pk, 2))
    assert pk is not None
    assert own_page(site, pk)[0].startswith("200")
    Article.objects.filter(pk=pk).delete()
    assert not ArticlePage.objects.filter(article_id=pk).exists()
    time.sleep(SECONDS + 0.1)
    assert own_page(site, pk)[0].startswith("404")


def test_dropping_the_full_text_renders_the_excerpt_cut_from_it_again(site):  # noqa: F811
    source = make_source("The Kept Gazette")
    _, pk = actions.do_store_article(draft(source.pk, 3, excerpt=""))
    assert pk is not None
    assert "The football club won the league match" in own_page(site, pk)[1]
    _drop_full_text([pk])
    assert kept_is_current(pk)
    time.sleep(SECONDS + 0.1)
    html = own_page(site, pk)[1]
    assert "The football club won the league match" not in html
    assert "The outlet published no summary of this story." in html
