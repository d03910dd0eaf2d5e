"""GET /search: results with highlighted snippets, filters, and helpful pages for bad input."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from newsdesk.core import figures
from tests.support.newsroom import make_article, make_source

from .html import found
from .seed import Newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def test_results_have_highlighted_snippets_and_link_to_our_pages(client, newsroom: Newsroom) -> None:
    response = client.get("/search", {"q": "turbines"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>" in html.lower()
    results = response.context["results"]
    assert results
    assert any("Dunholm Heath wind farm" in r.html for r in results)
    assert re.search(r'<h2 class="result__title"[^>]*><a href="/article/\d+-[^"]+/">', html)


def test_the_snippet_markup_is_only_mark(client) -> None:
    make_article(title="Harbour <script>alert(1)</script> news", text="The harbour <b>wall</b> was repaired.")
    html = client.get("/search", {"q": "harbour"}).content.decode()
    results = html.split('<ol class="results">', 1)[1].split("</ol>", 1)[0]
    assert "<script>" not in results
    assert "<b>" not in results


def test_quarantined_stories_are_never_found(client, newsroom: Newsroom) -> None:
    response = client.get("/search", {"q": "casino"})
    assert response.status_code == 200
    assert not response.context["results"]


@pytest.mark.parametrize(
    "query", ["", "   ", "!!!???", '"AND OR NEAR(', '"unbalanced', "x" * 10_000, "*", "title:"]
)
def test_empty_or_absurd_queries_get_a_helpful_page(client, newsroom: Newsroom, query: str) -> None:
    response = client.get("/search", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="notice"' in html
    assert "Traceback" not in html


def test_no_query_at_all_shows_the_form_and_a_hint(client) -> None:
    response = client.get("/search")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html
    assert "Type a few words" in html


def test_filters_by_source_and_date(client) -> None:
    now = timezone.now()
    north, south = make_source("North Post"), make_source("South Star")
    old = make_article(north, title="Lighthouse repainted", text="The lighthouse was repainted white.",
                       published=now - timedelta(days=30))  # fmt: skip
    new = make_article(south, title="Lighthouse reopens", text="The lighthouse reopens to visitors.",
                       published=now - timedelta(days=1))  # fmt: skip
    found = client.get("/search", {"q": "lighthouse"}).context["results"]
    assert {r.article_id for r in found} == {old.pk, new.pk}
    found = client.get("/search", {"q": "lighthouse", "source": north.pk}).context["results"]
    assert [r.article_id for r in found] == [old.pk]
    since = (now - timedelta(days=7)).date().isoformat()
    found = client.get("/search", {"q": "lighthouse", "since": since}).context["results"]
    assert [r.article_id for r in found] == [new.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": "not-a-date"}, "since"), ({"source": "abc"}, "source"), ({"source": "99999"}, "source"),
     ({"topic": "no-such-topic"}, "topic"), ({"since": "2026-05-02", "until": "2026-05-01"}, "until")],
)  # fmt: skip
def test_invalid_filters_are_explained_next_to_their_field(client, params: dict, field: str) -> None:
    response = client.get("/search", {"q": "harbour", **params})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    widget = found(rf'<(input|select)[^>]*id="id_{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in widget
    assert f'aria-describedby="id_{field}-error"' in widget


def test_pages_of_results(client, settings) -> None:
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "PAGE_SIZE": 3}
    source = make_source()
    for n in range(7):
        make_article(source, title=f"Regatta day {n}", text="The regatta drew crowds to the quay.")
    first = client.get("/search", {"q": "regatta"})
    assert first.context["pages"] == 3
    assert "page=2" in first.context["next_url"]
    third = client.get("/search", {"q": "regatta", "page": 3})
    assert len(third.context["results"]) == 1
    assert not third.context["next_url"]


def test_a_search_with_more_matches_than_are_ranked_says_so(client, settings, monkeypatch) -> None:
    """Matches are counted up to the newest CANDIDATES, the ones ranked; the page says that more matched,
    pages through those, and an exact count is still shown when fewer matched."""
    from newsdesk.search import engine
    from newsdesk.search.backends import postgres, sqlite_fts5

    for module in (engine, postgres, sqlite_fts5):
        monkeypatch.setattr(module, "CANDIDATES", 4)
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "PAGE_SIZE": 3}
    source = make_source()
    for n in range(6):
        make_article(source, title=f"Regatta day {n}", text="The regatta drew crowds to the quay.")
    page = client.get("/search", {"q": "regatta"})
    found(r'class="search-summary"[^>]*>More than 4 stories found', page.content.decode())
    assert page.context["pages"] == 2
    second = client.get("/search", {"q": "regatta", "page": 2})
    assert len(second.context["results"]) == 1
    assert not second.context["next_url"]
    exact = client.get("/search", {"q": "regatta 5"})
    found(r'class="search-summary"[^>]*>1 story found<', exact.content.decode())


def test_the_search_page_is_not_indexed_and_offers_its_feeds(client, newsroom: Newsroom) -> None:
    html = client.get("/search", {"q": "harbour"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html
    assert 'href="/feeds/search.rss?q=harbour"' in html


def test_source_and_topic_lists_are_djangos_select_markup(client, newsroom: Newsroom) -> None:
    """The search form's source and topic lists (their options remembered) are the markup the select writes
    from Django's own option list (get_context's optgroups), with nothing chosen, a source chosen, a topic
    chosen, and after a source is added."""
    from newsdesk.web.views.search import SearchForm, Select

    source = newsroom.sources[1]
    topic = next(iter(newsroom.topics.values()))
    cases = [{}, {"source": str(source.pk)}, {"topic": topic.slug}, {"source": "", "topic": topic.slug}]
    for step in range(2):
        if step:
            make_source(name="The Late Addition & Co")
            figures.forget()
        for data in cases:
            form = SearchForm(data or None)
            for name in ("source", "topic"):
                ours = str(form[name])
                field = form.fields[name]
                field.widget = Select(choices=list(field.choices))  # type: ignore[attr-defined]  # a plain list: Django's path
                theirs = str(form[name])
                assert ours == theirs, (data, name)
                assert (" selected>" in ours) or not data.get(name)
        assert ("The Late Addition &amp; Co" in str(SearchForm()["source"])) == bool(step)


def test_date_inputs_are_djangos_input_markup(client) -> None:
    """The search form's date inputs (written out in Python) are the markup Django's own widget writes from
    its template: empty, a date, a value that is not one (kept as typed), marked invalid, and odd characters;
    and the form's fields use them."""
    import datetime

    from django import forms

    from newsdesk.web.views.search import DateInput, SearchForm

    values = [None, "", datetime.date(2026, 3, 1), "soon", 'x"<&>']
    extras: list[dict[str, Any]] = [
        {},
        {"aria-invalid": "true", "aria-describedby": "id_until-error"},
        {"required": True, "hidden": False},
    ]
    for value in values:
        for extra in extras:
            ours = DateInput(attrs={"type": "date", **extra}).render("until", value, {"id": "id_until"})
            theirs = forms.DateInput(attrs={"type": "date", **extra}).render(
                "until", value, {"id": "id_until"}
            )
            assert ours == theirs, (value, extra)
    form = SearchForm({"since": "2026-03-01"})
    assert str(form["since"]) == '<input type="date" name="since" value="2026-03-01" id="id_since">'


def test_result_items_are_rendered_once_per_version_and_follow_edits(client) -> None:
    """A result's markup is kept per version of the story (as cards are), with the reader's snippet and the
    time put in per request: the page is the same bytes as the template renders afresh, from the store too,
    and an edited title shows in the next search."""
    from django.template.loader import get_template

    from newsdesk.articles.models import Article
    from newsdesk.web.cards import store
    from newsdesk.web.templatetags.newsdesk_web import time_tag

    source = make_source("The Quay Courier")
    for n in range(3):
        make_article(
            source, title=f"Lighthouse keepers <{n}> & friends", text="The lighthouse was repainted."
        )
    first = client.get("/search", {"q": "lighthouse"})
    results = first.context["results"]
    assert len(results) == 3
    fresh = [
        get_template("web/partials/search_result.html").render(
            {"article": article, "snippet": r.snippet, "moment": time_tag(article.published)}
        )
        for r in results
        for article in [Article.objects.select_related("source").get(pk=r.article_id)]
    ]
    assert [str(r.html) for r in results] == fresh
    assert "".join(fresh) in first.content.decode()
    hits = store.hits
    again = client.get("/search", {"q": "lighthouse"})
    assert store.hits >= hits + 3
    assert again.content == first.content
    edited = Article.objects.get(pk=results[0].article_id)
    Article.objects.filter(pk=edited.pk).update(
        title="Lighthouse keepers retire", modified_at=timezone.now() + timedelta(seconds=1)
    )
    figures.forget()
    body = client.get("/search", {"q": "lighthouse"}).content.decode()
    assert "Lighthouse keepers retire" in body
    assert escape(edited.title) not in body


def test_a_typed_trailing_slash_reaches_the_search_page_with_its_query(client) -> None:
    response = client.get("/search/", {"q": "harbour council", "page": "2"})
    assert response.status_code == 301
    assert response["Location"] == "/search?q=harbour+council&page=2"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_kept_results_follow_rejection_approval_deletion_and_a_renamed_source(client) -> None:
    """Results kept from an earlier search never outlive what was done to their stories: a rejected or
    deleted story leaves the next search, an approved one joins it, and a renamed source shows."""
    from newsdesk.articles import actions
    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source

    source = make_source("The Estuary Gazette")
    shown = [
        make_article(source, title=f"Tide mill restored, part {n}", text="The tide mill turns.")
        for n in range(3)
    ]
    held = make_article(
        source, title="Tide mill open day", text="The tide mill opens.", status=Article.Status.QUARANTINED
    )
    first = client.get("/search", {"q": "tide mill"}).content.decode()
    assert all(escape(a.title) in first for a in shown)
    assert "Tide mill open day" not in first
    actions.do_reject_article(shown[0].pk)
    Article.objects.filter(pk=shown[1].pk).delete()
    actions.do_approve_article(held.pk)
    Source.objects.filter(pk=source.pk).update(name="The Estuary Times")
    figures.forget()
    body = client.get("/search", {"q": "tide mill"}).content.decode()
    assert escape(shown[0].title) not in body
    assert escape(shown[1].title) not in body
    assert escape(shown[2].title) in body
    assert "Tide mill open day" in body
    assert "The Estuary Times" in body
    assert "The Estuary Gazette" not in body
