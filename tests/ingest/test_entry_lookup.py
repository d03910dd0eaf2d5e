"""What the store knows of a feed's entries, asked for the whole feed at once, is what asking for each
entry alone answers: same guid of the same source, then the link (as URL or link, any source), then a
recorded alias, the lowest id winning each time. Real database rows, no mocks."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import ArticleAlias
from newsdesk.articles.queries import find_by_entries, find_by_entry
from tests.support.newsroom import make_article, make_source

pytestmark = pytest.mark.django_db


def _newsroom() -> tuple[int, list[tuple[str, str]]]:
    ours, theirs = make_source(), make_source()
    # The same guid twice at our source: the first stored wins.
    make_article(ours, guid="g-twice", url="http://outlet.test/twice-1", link="http://outlet.test/twice-1")
    make_article(ours, guid="g-twice", url="http://outlet.test/twice-2", link="")
    # A guid held by another source only: not ours, so only its link may find it.
    make_article(theirs, guid="g-theirs", url="http://other.test/a", link="http://other.test/a-feed")
    # A link that is one article's URL and a later article's feed link.
    make_article(theirs, guid="x1", url="http://other.test/shared", link="")
    make_article(ours, guid="x2", url="http://outlet.test/late", link="http://other.test/shared")
    # Aliases: by guid, by link, and an entry whose guid and link point at two different aliases.
    target_a, target_b = make_article(theirs, guid="t-a"), make_article(theirs, guid="t-b")
    ArticleAlias.objects.create(article=target_b, source=ours, guid="alias-guid", link="")
    ArticleAlias.objects.create(article=target_a, source=ours, guid="", link="http://mirror.test/by-link")
    ArticleAlias.objects.create(article=target_a, source=ours, guid="alias-late", link="")
    ArticleAlias.objects.create(article=target_b, source=theirs, guid="alias-not-ours", link="")
    guids = ["", "g-twice", "g-theirs", "x2", "alias-guid", "alias-late", "alias-not-ours", "unknown"]
    links = [
        "",
        "http://outlet.test/twice-1",
        "http://other.test/a-feed",
        "http://other.test/shared",
        "http://mirror.test/by-link",
        "http://nowhere.test/new",
    ]
    return ours.pk, list(itertools.product(guids, links))


def test_the_feed_wide_answer_equals_each_entry_asked_alone() -> None:
    source_id, pairs = _newsroom()
    one_by_one = [find_by_entry(source_id, guid, link) for guid, link in pairs]
    assert find_by_entries(source_id, pairs) == one_by_one
    # The cases above are all met: found by guid, by link, by alias and not at all.
    assert {known.alias for known in one_by_one if known} == {False, True}
    assert None in one_by_one


def test_a_whole_feed_costs_three_queries() -> None:
    source_id, pairs = _newsroom()
    with CaptureQueriesContext(connection) as queries:
        find_by_entries(source_id, pairs)
    assert len(queries) == 3


def test_a_feed_longer_than_one_chunk_is_answered_in_full() -> None:
    source = make_source()
    stored = [make_article(source, guid=f"guid-{n}") for n in range(3)]
    pairs = [(f"guid-{n}", f"http://nowhere.test/{n}") for n in range(1200)]
    answers = find_by_entries(source.pk, pairs)
    assert [known.id if known else None for known in answers[:4]] == [a.pk for a in stored] + [None]
    assert answers[4:] == [None] * 1196
