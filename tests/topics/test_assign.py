"""Topic assignment on the real database: on store (via article_stored) and by rebuild."""

from __future__ import annotations

import pytest

from newsdesk.articles.actions import do_store_article, do_update_article
from newsdesk.topics.actions import do_set_article_topics, do_sync_topics
from newsdesk.topics.assign import assign_topics
from newsdesk.topics.models import Topic
from newsdesk.types import ArticleDraft
from tests.support.cli import run_cli
from tests.support.newsroom import NOW, make_article, make_source

pytestmark = pytest.mark.django_db


def slugs(article):
    return sorted(article.topics.values_list("slug", flat=True))


def test_default_topics_exist():
    names = set(Topic.objects.values_list("name", flat=True))
    assert {"Politics", "Sport", "Climate & Environment", "Crime & Justice", "Weather", "Opinion"} <= names
    assert Topic.objects.count() >= 15


def draft(source, **fields):
    values = {
        "source_id": source.pk,
        "url": f"http://outlet.test/{fields.get('title', 'x').replace(' ', '-')}",
        "link": "",
        "guid": "",
        "fingerprint": "",
        "content_hash": "h",
        "title": "Untitled",
        "published": NOW,
    }
    values.update(fields)
    return ArticleDraft(**values)


def test_storing_an_article_assigns_topics_on_commit(django_capture_on_commit_callbacks):
    source = make_source()
    with django_capture_on_commit_callbacks(execute=True):
        _, stored_id = do_store_article(draft(source, title="Cup final tonight", categories=["Football"]))
    assert stored_id is not None
    article_id: int = stored_id
    article = Topic.articles.through.objects.filter(article_id=article_id)
    assert [row.topic.slug for row in article] == ["sport"]
    with django_capture_on_commit_callbacks(execute=True):
        do_update_article(article_id, draft(source, title="Budget vote", categories=["Politics"]))
    assert list(Topic.objects.filter(articles__id=article_id).values_list("slug", flat=True)) == ["politics"]


def test_rolled_back_store_assigns_nothing(django_capture_on_commit_callbacks):
    source = make_source()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_store_article(draft(source, title="Cup final", categories=["Sport"]))
    assert len(callbacks) == 1  # announced only on commit, and we did not run it
    assert Topic.articles.through.objects.count() == 0


def test_rebuild_replaces_assignments():
    tagged = make_article(title="Match report", categories=["Cricket"])
    stale = make_article(title="Nothing much", categories=[])
    do_set_article_topics({stale.pk: ["weather"]})
    seen, untopical = assign_topics()
    assert (seen, untopical) == (2, 1)
    assert slugs(tagged) == ["sport"]
    assert slugs(stale) == []


def test_unknown_slugs_are_ignored_and_sync_adds_topics():
    article = make_article()
    assert do_set_article_topics({article.pk: ["no-such-topic", "sport", "sport"]}) == 1
    assert do_sync_topics([("gardening", "Gardening", ""), ("sport", "Renamed", "")]) == 1
    assert Topic.objects.get(slug="sport").name == "Sport"


@pytest.mark.django_db(transaction=True)
def test_cli_rebuild_list_and_explain():
    article = make_article(title="Storm warning for the coast", categories=["Weather"])
    done = run_cli("topics", "rebuild", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "Assigned topics to 1 article(s); 0 matched no topic." in done.stdout
    assert slugs(article) == ["weather"]
    listed = run_cli("topics", "list", "--json")
    assert '{"slug": "weather", "name": "Weather", "articles": 1}' in listed.stdout
    explained = run_cli("topics", "explain", str(article.pk))
    assert "weather" in explained.stdout
    assert "category 'Weather'" in explained.stdout
    missing = run_cli("topics", "explain", "999999")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "newsdesk: error: There is no article with id 999999."
    assert "Traceback" not in missing.stderr


def test_the_receivers_one_article_path_writes_what_assign_topics_writes():
    """assign_one (the article_stored receiver's SQL path) gives each article the rows assign_topics
    gives it: categories, title words, a long text cut at TEXT_CHARS, an unknown slug, stale rows."""
    from newsdesk.topics.actions import do_set_one_article_topics
    from newsdesk.topics.assign import assign_one
    from newsdesk.topics.classify import TEXT_CHARS

    long_text = (
        "A quiet report on nothing in particular. " * (TEXT_CHARS // 20) + " election ballot vote " * 50
    )
    articles = [
        make_article(title="Match report", categories=["Cricket"]),
        make_article(title="Storm warning for the coast", categories=["Weather", "Politics"]),
        make_article(title="Nothing much", categories=[]),
        make_article(title="Parliament votes on the budget", categories=[], text=long_text),
        make_article(title="Flood defences", categories=["Climate", "Weather", "Weather"]),
    ]
    through = Topic.articles.through
    for article in articles:
        do_set_article_topics({article.pk: ["opinion"]})  # stale rows that both must replace
    assign_topics([a.pk for a in articles])
    expected = sorted(through.objects.values_list("article_id", "topic_id"))
    through.objects.all().delete()
    for article in articles:
        do_set_article_topics({article.pk: ["opinion"]})
        assign_one(article.pk)
    assert sorted(through.objects.values_list("article_id", "topic_id")) == expected
    assert len({a for a, _ in expected}) >= 3  # most of them have topics
    assert assign_one(10**9) is None
    assert do_set_one_article_topics(articles[0].pk, ["no-such-topic", "sport", "sport"]) == 1
    assert slugs(articles[0]) == ["sport"]
