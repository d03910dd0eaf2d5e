"""search() against the real database's index (FTS5 on SQLite, tsvector + GIN on PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.articles.models import Article
from newsdesk.search import SearchQuery, search
from newsdesk.search.backends import get_backend
from newsdesk.search.engine import search as search_at
from newsdesk.search.query import parse_query
from newsdesk.topics.models import Topic
from tests.support.newsroom import NOW, make_article, make_source

pytestmark = pytest.mark.django_db


def ids(page):
    return [hit.article_id for hit in page.hits]


def find(text, **kwargs):
    return search_at(SearchQuery(text=text, **kwargs), clock=lambda: NOW)


def test_finds_words_in_title_and_text():
    in_title = make_article(title="Lighthouse keepers vote to strike", text="A long dispute about pay.")
    in_text = make_article(title="Coastal news", text="The lighthouse on the point was repainted.")
    make_article(title="Unrelated", text="Nothing about the coast at all.")
    page = find("lighthouse")
    assert set(ids(page)) == {in_title.pk, in_text.pk}
    assert page.total == 2
    assert page.problem == ""


def test_title_match_ranks_above_body_match():
    body = make_article(title="Weekly notes", text="A lighthouse is mentioned once.", published=NOW)
    title = make_article(title="Lighthouse reopens", text="Visitors returned.", published=NOW)
    assert ids(find("lighthouse")) == [title.pk, body.pk]


def test_recency_breaks_equal_relevance():
    old = make_article(title="Orchard harvest", text="Apples.", published=NOW - timedelta(days=30))
    new = make_article(title="Orchard harvest", text="Apples.", published=NOW - timedelta(hours=1))
    assert ids(find("orchard")) == [new.pk, old.pk]


def test_stemming_finds_other_forms():
    article = make_article(title="Bridges close for repairs", text="Engineers inspected them.")
    assert ids(find("bridge")) == [article.pk]


def test_snippet_is_escaped_and_marked():
    article = make_article(
        title="Council <b>minutes</b>",
        text="Before the vote, <script>alert(1)</script> the ferry timetable was read aloud & approved.",
    )
    hit = find("ferry").hits[0]
    assert hit.article_id == article.pk
    assert "<mark>ferry</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html
    assert "alert(1)" in hit.snippet_html  # escaped on SQLite; PostgreSQL's parser drops tag-like words
    assert "&amp;" in hit.snippet_html
    assert "&lt;b&gt;" in hit.title_html
    minutes = find("minutes").hits[0]
    assert "<mark>minutes</mark>" in minutes.title_html


def test_phrase_needs_words_in_order():
    together = make_article(title="Night ferry returns", text="Crossings resume.")
    apart = make_article(title="Ferry news", text="Late at night the bus ran.")
    assert ids(find('"night ferry"')) == [together.pk]
    assert set(ids(find("night ferry"))) == {together.pk, apart.pk}


def test_only_published_articles_are_found():
    shown = make_article(title="Tram line opens", text="Trams run.")
    hidden = make_article(title="Tram line closes", text="Trams stop.", status=Article.Status.QUARANTINED)
    assert ids(find("tram")) == [shown.pk]
    Article.objects.filter(pk=hidden.pk).update(status=Article.Status.PUBLISHED)
    assert set(ids(find("tram"))) == {shown.pk, hidden.pk}
    Article.objects.filter(pk=shown.pk).update(status=Article.Status.QUARANTINED)
    assert ids(find("tram")) == [hidden.pk]


def test_index_follows_updates_and_deletes():
    article = make_article(title="Market day", text="Cheese and bread.")
    assert ids(find("cheese")) == [article.pk]
    article.text = "Honey and apples."
    article.save()
    assert ids(find("cheese")) == []
    assert ids(find("honey")) == [article.pk]
    Article.objects.filter(pk=article.pk).update(title="Harvest fair")  # bulk update, no signals
    assert ids(find("harvest")) == [article.pk]
    assert ids(find("market")) == []
    article.delete()
    assert ids(find("honey")) == []


def test_deleting_a_source_removes_its_articles_from_search():
    source = make_source()
    make_article(source=source, title="Glacier retreats", text="Ice.")
    assert find("glacier").total == 1
    source.delete()
    assert find("glacier").total == 0


def test_filters_by_source_topic_and_date():
    north, south = make_source(name="North"), make_source(name="South")
    a = make_article(source=north, title="Rain warning", published=NOW - timedelta(days=3))
    b = make_article(source=south, title="Rain warning", published=NOW - timedelta(days=1))
    weather = Topic.objects.create(slug="weather-test", name="Weather test")
    weather.articles.add(b)
    assert ids(find("rain", source_id=north.pk)) == [a.pk]
    assert ids(find("rain", topic_slug="weather-test")) == [b.pk]
    assert ids(find("rain", topic_slug="no-such-topic")) == []
    day_a = (NOW - timedelta(days=3)).date()
    assert ids(find("rain", since=day_a, until=day_a)) == [a.pk]
    assert ids(find("rain", since=day_a + timedelta(days=1))) == [b.pk]
    assert ids(find("rain", until=date(2000, 1, 1))) == []


def test_pagination():
    made = [make_article(title=f"Regatta report {i}", published=NOW - timedelta(hours=i)) for i in range(5)]
    first = find("regatta", per_page=2)
    second = find("regatta", per_page=2, page=2)
    third = find("regatta", per_page=2, page=3)
    assert first.total == second.total == 5
    assert ids(first) + ids(second) + ids(third) == [m.pk for m in made]
    beyond = find("regatta", per_page=2, page=4)
    assert beyond.hits == ()
    assert beyond.problem
    absurd = find("regatta", page=10**9)
    assert absurd.hits == ()
    assert "pages" in absurd.problem


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "?!?!",
        "x" * 10_000,
        "word " * 2_000,
        '"AND OR NEAR(',
        'unbalanced "quote',
        "NOT * ^ title:foo col:(a OR b)",
        "\x00\x01\u202e",
        "'; DROP TABLE articles_article; --",
    ],
)
def test_absurd_queries_get_a_page_with_a_problem(text):
    make_article(title="Anything at all", text="Some sentences.")
    page = search(SearchQuery(text=text))
    assert page.hits == ()
    assert page.problem
    assert Article.objects.count() == 1


def test_no_match_says_so():
    make_article(title="Swimming pool reopens")
    page = find("volcano")
    assert page.total == 0
    assert "volcano" in page.problem


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_any_text_never_raises(text):
    page = search(SearchQuery(text=text))
    assert page.total >= 0


def test_backend_must_match_the_database(settings):
    other = "postgres" if connection.vendor == "sqlite" else "sqlite"
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "SEARCH_BACKEND": other}
    with pytest.raises(ImproperlyConfigured):
        get_backend()
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "SEARCH_BACKEND": "auto"}
    assert get_backend().vendor == connection.vendor


def test_missing_triggers_are_repaired():
    backend = get_backend()
    before = make_article(title="Kelp farm expands")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER search_article_ai")
        else:
            cursor.execute("DROP TRIGGER search_article_document_upsert ON articles_article")
    missed = make_article(title="Kelp forest survey")
    assert ids(find("kelp")) == [before.pk]
    assert backend.ensure_schema(connection) is True
    assert set(ids(find("kelp"))) == {before.pk, missed.pk}
    assert backend.ensure_schema(connection) is False


def test_only_the_newest_candidates_are_ranked(monkeypatch):
    from newsdesk.search import engine
    from newsdesk.search.backends import postgres, sqlite_fts5

    for module in (engine, postgres, sqlite_fts5):
        monkeypatch.setattr(module, "CANDIDATES", 3)
    made = [
        make_article(title=f"Lantern parade {i}", published=NOW - timedelta(hours=10 - i)) for i in range(5)
    ]
    newest_three = {m.pk for m in made[2:]}
    first, second = find("lantern", per_page=2), find("lantern", per_page=2, page=2)
    # Counted up to the ranked ones, and told that more matched; never counted over every match.
    assert (first.total, first.more) == (3, True)
    assert (find("lantern parade 4").total, find("lantern parade 4").more) == (1, False)
    assert set(ids(first) + ids(second)) == newest_three
    beyond = find("lantern", per_page=2, page=3)
    assert beyond.hits == ()
    assert "newest 3 matches" in beyond.problem


def test_a_word_only_in_the_full_text_finds_the_article_but_never_shows_in_the_snippet():
    article = make_article(
        title="Harbour board meets",
        excerpt="The harbour board met on Tuesday to talk about moorings.",
        text=(
            "The harbour board met on Tuesday to talk about moorings. "
            + "Routine matters followed. " * 40
            + "Much later, the treasurer mentioned the zeppelin hangar plan in passing."
        ),
    )
    page = find("zeppelin")
    assert ids(page) == [article.pk]  # the full text is searched
    hit = page.hits[0]
    assert "zeppelin" not in hit.snippet_html.lower()
    assert "hangar" not in hit.snippet_html.lower()
    assert "treasurer" not in hit.snippet_html.lower()
    assert "harbour board" in hit.snippet_html.lower()  # the excerpt is what a snippet shows
    in_excerpt = find("moorings").hits[0]
    assert "<mark>moorings</mark>" in in_excerpt.snippet_html


def _reference(query, *, offset, limit, cap):
    """SQLite's ranking (decision 0030) worked out in Python from plain statements, the reference: the
    newest `cap` + 1 matches of the title or the text; each of the newest `cap` scores 1 + 9 × the share
    of the words and phrases its title holds, over (1 + age in days / 7); best first, ties to the newer id."""
    from newsdesk.search.backends.base import build_filters
    from newsdesk.search.backends.sqlite_fts5 import INDEX, TABLE, match_terms

    filters = build_filters(query, connection)
    terms = match_terms(parse_query(query.text))
    expression = " ".join(terms)
    now = connection.ops.adapt_datetimefield_value(NOW)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {TABLE}.rowid, julianday(%s) - julianday(a.published)"  # noqa: S608 - our names
            f" FROM {TABLE} JOIN articles_article a INDEXED BY {INDEX} ON a.id = {TABLE}.rowid"
            f" WHERE {TABLE} MATCH %s AND {filters.sql} ORDER BY {TABLE}.rowid DESC LIMIT {cap + 1}",
            [now, "{title text} : (" + expression + ")", *filters.params],
        )
        candidates = cursor.fetchall()
        total = len(candidates)
        candidates = candidates[:cap]
        held = dict.fromkeys((pk for pk, _age in candidates), 0)
        for term in terms:
            cursor.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", ["{title} : " + term])  # noqa: S608
            for (pk,) in cursor.fetchall():
                if pk in held:
                    held[pk] += 1
    scored = [
        ((1.0 + 9.0 * held[pk] / len(terms)) / (1.0 + max(age, 0.0) / 7.0), pk) for pk, age in candidates
    ]
    return [(pk, score) for score, pk in sorted(scored, reverse=True)[offset : offset + limit]], total


@pytest.mark.parametrize("cap", [6, 1000])
def test_sqlite_ranking_statement_matches_its_rule_worked_out_in_python(monkeypatch, cap):
    """SQLite ranks in one statement: the same ids, in the same order, with the same scores and totals
    as the rule worked out in Python, for words, phrases, every filter, pages past the candidates, equal
    scores, and matches that must not count (unpublished, excerpt only, older than the candidates)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 ranking")
    from newsdesk.search.backends import sqlite_fts5

    monkeypatch.setattr(sqlite_fts5, "CANDIDATES", cap)
    north, south = make_source(name="North"), make_source(name="South")
    weather = Topic.objects.create(slug="weather-test", name="Weather test")
    titles = ["Ferry timetable", "Harbour notes", "Ferry strike ends", "Bay weather", "Storm and ferry"]
    for i in range(40):
        article = make_article(
            source=north if i % 2 else south,
            title=titles[i % len(titles)],
            text="The ferry " * (1 + i % 4) + "crossed the bay in a storm." * (i % 3),
            excerpt="Harbour life." if i % 5 else "A ferry was seen in the storm.",
            published=NOW - timedelta(hours=70 - i * 1.5),
            status=Article.Status.QUARANTINED if i % 7 == 3 else Article.Status.PUBLISHED,
        )
        if i % 3 == 0:
            weather.articles.add(article)
    for _ in range(3):  # equal scores: the newer id first
        make_article(source=north, title="Ferry timetable", text="The ferry sailed.", published=NOW)
    backend = sqlite_fts5.SqliteFts5Backend()
    day = (NOW - timedelta(days=2)).date()
    queries = [
        SearchQuery(text="ferry"),
        SearchQuery(text="ferry storm"),
        SearchQuery(text='"ferry timetable"'),
        SearchQuery(text="bay"),
        SearchQuery(text="harbour"),
        SearchQuery(text="ferry", source_id=north.pk),
        SearchQuery(text="storm", topic_slug="weather-test"),
        SearchQuery(text="ferry", since=day),
        SearchQuery(text="ferry bay", until=day),
        SearchQuery(text="zeppelin"),
    ]
    compared = titled = 0
    for query in queries:
        for offset, limit in [(0, 4), (4, 4), (0, 20), (5, 3), (cap - 1, 4), (cap, 4)]:
            hits, total = backend.search(parse_query(query.text), query, now=NOW, offset=offset, limit=limit)
            expected, expected_total = _reference(query, offset=offset, limit=limit, cap=cap)
            assert total == expected_total, query
            assert [(hit.article_id, hit.score) for hit in hits] == expected, (query, offset)
            compared += len(hits)
            titled += sum(1 for _pk, score in expected if score > 1.0)
    assert compared > 100  # the pages held results, not only empty ones
    assert 0 < titled < compared  # both kinds of match were ranked


def test_a_title_holding_every_word_leads_until_nine_weeks_older():
    """A title holding every word weighs ten times a match elsewhere: it leads a newer match in the text
    until it is nine weeks (63 days) older, the point where 10 / (1 + 63 / 7) = 1."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's ranking (decision 0030); PostgreSQL's ts_rank weighs each word")
    fresh = make_article(title="Weekly notes", text="The lighthouse keepers met.", published=NOW)
    month = make_article(title="Lighthouse keepers vote", text="Pay.", published=NOW - timedelta(days=30))
    old = make_article(title="Lighthouse keepers retire", text="Pay.", published=NOW - timedelta(days=70))
    page = find("lighthouse keepers")
    assert ids(page) == [month.pk, fresh.pk, old.pk]
    assert [round(hit.score, 6) for hit in page.hits] == [round(10 / (1 + 30 / 7), 6), 1.0, round(10 / 11, 6)]


def test_a_title_holding_some_of_the_words_weighs_its_share():
    """Relevance is 1 + 9 × the share of the words and phrases the title holds: 10 for all, 5.5 for one of
    two, 1 for none. A phrase counts only as a phrase."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's ranking (decision 0030); PostgreSQL's ts_rank weighs each word")
    partial = make_article(title="Lighthouse repainted", text="By the keepers.", published=NOW)
    whole = make_article(title="Lighthouse keepers", text="Pay.", published=NOW - timedelta(days=2))
    newer_text = make_article(title="Notes", text="Lighthouse keepers.", published=NOW - timedelta(hours=1))
    older_partial = make_article(title="Keepers vote", text="lighthouse", published=NOW - timedelta(days=7))
    page = find("lighthouse keepers")
    assert ids(page) == [whole.pk, partial.pk, older_partial.pk, newer_text.pk]
    assert [round(hit.score, 6) for hit in page.hits] == [
        round(10 / (1 + 2 / 7), 6),
        5.5,
        2.75,
        round(1 / (1 + 1 / 24 / 7), 6),
    ]
    apart = make_article(title="Keepers of the lighthouse", text="lighthouse keepers", published=NOW)
    phrase = find('"lighthouse keepers"')
    assert ids(phrase)[0] == whole.pk
    assert phrase.hits[ids(phrase).index(apart.pk)].score == 1.0
    three = find("lighthouse keepers vote")  # two of three words in the title
    assert [(hit.article_id, round(hit.score, 6)) for hit in three.hits] == [(older_partial.pk, 3.5)]


def test_how_often_or_how_rarely_a_word_appears_does_not_rank_on_sqlite():
    """Only where the words are (title or not) and the age rank: of two matches in the text on the same
    day, the newer id leads, however often either repeats the words."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's ranking; PostgreSQL's ts_rank counts the words")
    many = make_article(title="Notes", text="Lighthouse. " * 30, published=NOW)
    once = make_article(title="Notes", text="A lighthouse.", published=NOW)
    assert ids(find("lighthouse")) == [once.pk, many.pk]


def test_postgres_tells_a_query_of_stop_words_only_apart_from_no_match():
    """PostgreSQL drops English stop words from the query: "the and" has nothing left to look up, and is
    told apart (too common) from a query that matched nothing, on any page and with any filter; the check
    runs only when a page comes back empty."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's stop words (SQLite's FTS5 has none)")
    story = make_article(title="The harbour and the tide", text="The tide and the harbour wall.")
    for extra in ({}, {"page": 2}, {"source_id": story.source_id}):
        page = find("the and", **extra)
        assert page.hits == (), extra
        assert page.total == 0, extra
        assert "too common" in page.problem, extra
        nothing = find("volcano the", **extra)
        assert nothing.total == 0, extra
        assert "volcano" in nothing.problem, extra
    assert ids(find("the harbour and")) == [story.pk]
