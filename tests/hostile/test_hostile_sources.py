"""Every way a source can misbehave, through the whole pipeline against a fault-injecting server.

For each way, the hostile source and a well-behaved one are checked in the same run: the hostile
one ends in a clear sentence recorded on the source (or, where nothing needs refusing, in a stored
article with the damage contained), and the good one ingests as if nothing happened. The SSRF guard
is on (NEWSDESK_ALLOW_PRIVATE_NETWORKS off); only this server's exact address and port are let through.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from dataclasses import replace

import pytest

from newsdesk.articles.models import Article
from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.report import SourceReport
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.sources.actions import do_add_source
from newsdesk.sources.models import Source
from tests.support.hostile import TRAP_CONTENT, HostileServer, rss
from tests.support.loopback import reply

pytestmark = pytest.mark.django_db(transaction=True)

TOTAL_SECONDS = 3.0
MB = 1_000_000


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.fixture
def guarded(settings, hostile: HostileServer):
    settings.NEWSDESK_INGEST = {
        **settings.NEWSDESK_INGEST,
        "ALLOW_PRIVATE_NETWORKS": False,
        "MAX_ENTRIES_PER_FEED": 20,
    }
    policy = replace(
        fetch_policy(),
        total_timeout=TOTAL_SECONDS,
        read_timeout=TOTAL_SECONDS,
        connect_timeout=TOTAL_SECONDS,
        allowed_endpoints=frozenset({(hostile.server.host, hostile.server.port)}),
    )
    assert not policy.allow_private_networks
    return policy


def check(policy, hostile: HostileServer, way: str) -> tuple[Source, Source, dict[str, SourceReport], int]:
    """Refresh the hostile source and the good one together; returns both, the reports, peak bytes."""
    bad = do_add_source(hostile.feed_url(way), name=way)
    good = do_add_source(hostile.feed_url("ok"), name="ok")
    tracemalloc.start()
    try:
        with Fetcher(policy) as fetcher:
            reports = Pipeline(fetcher).refresh_many([bad.pk, good.pk], workers=2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.last_error == ""
    assert sorted(good.articles.values_list("title", flat=True)) == [
        "Breakwater to be rebuilt after winter storms",
        "Harbour board elects a new chair",
    ]
    assert all(a.status == "published" and a.text for a in good.articles.all())
    return bad, good, {r.name: r for r in reports}, peak


REFUSED = [
    ("gzip-bomb", "The response is larger than 10.5 MB."),
    ("brotli-bomb", "The response is larger than 10.5 MB."),
    ("deflate-bomb", "The response is larger than 10.5 MB."),
    ("too-large", "The response is larger than 10.5 MB."),
    ("lying-length", "The response is larger than 10.5 MB."),
    ("slowloris", "The server took longer than 3 seconds to answer."),
    ("slow-headers", "The server took longer than 3 seconds to answer."),
    ("silent", "The server took longer than 3 seconds to answer."),
    ("redirect-loop", "The address redirects in a loop."),
    ("too-many-redirects", "Too many redirects."),
    ("not-a-feed", "The response is a web page, not an RSS, Atom or JSON feed."),
    ("server-error", "The server answered 500 Internal Server Error."),
    ("nonsense", "127.0.0.1 sent a response that is not valid HTTP."),
    ("hang-up", "127.0.0.1 sent a response that is not valid HTTP."),
]


@pytest.mark.parametrize(("way", "sentence"), REFUSED, ids=[w for w, _ in REFUSED])
def test_a_refused_source_records_one_sentence_and_the_others_still_ingest(
    guarded, hostile: HostileServer, way: str, sentence: str
) -> None:
    bad, _good, reports, peak = check(guarded, hostile, way)
    assert bad.last_error == sentence
    assert reports[way].error == sentence
    assert bad.error_count == 1
    assert bad.last_fetched is not None
    assert bad.next_check_at > bad.last_fetched  # backed off, not retried at once
    assert bad.articles.count() == 0
    assert peak < 40 * MB, f"{way} made the worker hold {peak / MB:.0f} MB"


def test_an_entity_bomb_is_not_expanded(guarded, hostile: HostileServer) -> None:
    bad, _good, _reports, peak = check(guarded, hostile, "billion-laughs")
    assert bad.last_error == ""
    (item,) = bad.articles.all()
    assert item.title == "&lol9;"
    assert "lollol" not in item.title + item.text
    assert peak < 40 * MB


def test_external_entities_are_never_fetched_or_read(guarded, hostile: HostileServer) -> None:
    bad, _good, _reports, _peak = check(guarded, hostile, "external-entity")
    assert hostile.trap_hits == []
    assert bad.articles.count() == 1
    for article in Article.objects.all():
        assert TRAP_CONTENT not in article.title + article.text
        assert "root:" not in article.title + article.text


def test_a_feed_of_100000_items_is_read_up_to_the_cap(guarded, hostile: HostileServer) -> None:
    bad, _good, reports, peak = check(guarded, hostile, "many-items")
    assert bad.last_error == ""
    assert bad.articles.count() == 20  # NEWSDESK_MAX_ENTRIES_PER_FEED
    assert sorted(bad.articles.values_list("title", flat=True))[:2] == ["Item 0", "Item 1"]
    assert reports["many-items"].new == 20
    assert peak < 80 * MB, f"100,000 items made the worker hold {peak / MB:.0f} MB"


def test_a_megabyte_title_is_stored_capped(guarded, hostile: HostileServer) -> None:
    bad, *_ = check(guarded, hostile, "megabyte-title")
    (item,) = bad.articles.all()
    assert len(item.title) <= 1000
    assert item.title.startswith("AAAA")


def test_invalid_utf8_is_stored_readable(guarded, hostile: HostileServer) -> None:
    bad, *_ = check(guarded, hostile, "invalid-utf8")
    (item,) = bad.articles.all()
    assert bad.last_error == ""
    assert item.title.startswith("Caf")
    item.title.encode("utf-8")  # storable and displayable: no lone surrogates


def test_nul_bytes_never_reach_the_database(guarded, hostile: HostileServer) -> None:
    bad, *_ = check(guarded, hostile, "nul-bytes")
    (item,) = bad.articles.all()
    assert bad.last_error == ""
    assert item.title == "Title with a NUL"
    for value in (item.title, item.text, item.content_html, item.excerpt):
        assert "\x00" not in value
    assert Article.objects.filter(pk=item.pk).exists()


PAGE_WAYS = [
    "gzip-bomb",
    "brotli-bomb",
    "too-large",
    "slowloris",
    "redirect-loop",
    "nonsense",
    "server-error",
]


@pytest.mark.parametrize("way", PAGE_WAYS)
def test_a_hostile_article_page_costs_only_that_page(guarded, hostile: HostileServer, way: str) -> None:
    """The feed is fine but the item's page misbehaves: the feed's own words are kept, nothing breaks."""
    path = f"/page-{way}/feed.xml"
    feed = rss(
        "Page trouble",
        [(f"Story whose page is a {way}", hostile.feed_url(way), f"What the feed says ({way}).")],
    )
    hostile.server.route(path, reply(feed, "application/rss+xml"))
    source = do_add_source(hostile.url(path), name=f"page-{way}")
    good = do_add_source(hostile.feed_url("ok"), name="ok")
    with Fetcher(guarded) as fetcher:
        reports = Pipeline(fetcher).refresh_many([source.pk, good.pk], workers=2)
    assert all(r.ok for r in reports)
    source.refresh_from_db()
    (item,) = source.articles.all()
    assert item.flags == ["page-unavailable"]
    assert item.text == f"What the feed says ({way})."
    assert item.status == "published"
    assert good.articles.count() == 2
