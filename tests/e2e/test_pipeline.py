"""The whole ingest path against a real HTTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdesk.articles.models import Article
from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.sources.actions import do_add_source
from newsdesk.sources.models import Source
from tests.e2e import outlets as o
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Iterator[tuple[o.Outlets, dict[str, Source]]]:
    with LoopbackServer() as server:
        site = o.Outlets(server)
        sources = {name: do_add_source(url, name=name.title()) for name, url in site.feed_urls().items()}
        yield site, sources


def refresh_all(sources: dict[str, Source]):
    with Fetcher(fetch_policy()) as fetcher:
        return {r.name.lower(): r for r in Pipeline(fetcher).refresh_many([s.pk for s in sources.values()])}


def test_first_fetch_stores_each_story_once(world) -> None:
    site, sources = world
    reports = refresh_all(sources)

    assert reports["alder"].ok
    assert reports["alder"].new == 3
    assert reports["brook"].ok
    assert reports["brook"].new == 1
    assert reports["brook"].duplicates == 1
    assert not reports["cinder"].ok

    titles = sorted(Article.objects.values_list("title", flat=True))
    assert titles == sorted([o.ALDER_1_TITLE, o.ALDER_2_TITLE, o.ALDER_3_TITLE, o.BROOK_OWN_TITLE])

    library = Article.objects.get(title=o.ALDER_1_TITLE)
    assert library.source == sources["alder"]
    assert library.url == f"{site.base}/alder/night-library"
    assert library.authors == ["Oona Feld"]
    assert library.text.split("\n\n") == o.ALDER_1_TEXT
    assert library.excerpt.endswith("…")
    assert library.excerpt.startswith("The Alder Valley council opened")
    for furniture in ("cookies", "Subscribe", "Share this", "Live News", "Another headline"):
        assert furniture not in library.text
    assert library.published.isoformat() == "2026-11-02T08:00:00+00:00"
    assert library.categories == ["Culture"]


def test_page_404_keeps_the_feed_summary(world) -> None:
    _site, sources = world
    refresh_all(sources)
    ferry = Article.objects.get(title=o.ALDER_2_TITLE)
    assert ferry.text == o.ALDER_2_SUMMARY
    assert ferry.excerpt == o.ALDER_2_SUMMARY
    assert ferry.flags == ["page-unavailable"]
    assert ferry.status == Article.Status.PUBLISHED


def test_redirected_gzip_page_is_followed(world) -> None:
    site, sources = world
    refresh_all(sources)
    orchards = Article.objects.get(title=o.ALDER_3_TITLE)
    assert orchards.url == f"{site.base}/alder/orchards"
    assert orchards.link == f"{site.base}/alder/go/orchards"
    assert orchards.text.split("\n\n") == o.ALDER_3_TEXT


def test_misdeclared_charset_comes_out_right(world) -> None:
    _site, sources = world
    refresh_all(sources)
    vans = Article.objects.get(source=sources["brook"])
    assert vans.title == o.BROOK_OWN_TITLE
    assert "Café Zürich, the Crème Room" in vans.text


def test_failing_feed_is_recorded_and_others_unaffected(world) -> None:
    _site, sources = world
    reports = refresh_all(sources)
    cinder = Source.objects.get(pk=sources["cinder"].pk)
    assert "500" in cinder.last_error
    assert "\n" not in cinder.last_error
    assert cinder.error_count == 1
    assert cinder.last_fetched is not None
    assert cinder.next_check_at > cinder.last_fetched
    assert reports["cinder"].error == cinder.last_error
    assert Source.objects.get(pk=sources["alder"].pk).last_error == ""


def test_second_fetch_changes_nothing(world) -> None:
    site, sources = world
    refresh_all(sources)
    before = {a.pk: (a.modified_at, a.content_hash) for a in Article.objects.all()}
    page_requests = len(pages(site))

    reports = refresh_all(sources)

    assert reports["alder"].not_modified  # answered 304 to If-None-Match
    assert reports["brook"].new == reports["brook"].updated == 0
    assert {a.pk: (a.modified_at, a.content_hash) for a in Article.objects.all()} == before
    # Nothing unchanged cost a page fetch.
    assert len(pages(site)) == page_requests
    alder_feed_requests = [r for r in site.server.requests if r.path == "/alder/feed.xml"]
    assert alder_feed_requests[-1].headers.get("if-none-match") == o.Outlets.ETAG
    assert alder_feed_requests[-1].headers.get("accept-encoding", "").count("gzip") == 1


def pages(site: o.Outlets) -> list[str]:
    """The article-page requests the server has seen (not feeds, not robots.txt)."""
    return [p for p in site.server.paths if not p.endswith(("feed.xml", "atom.xml", "robots.txt"))]


def test_repost_under_a_new_guid_is_stored_once_and_left_alone(world) -> None:
    site, sources = world
    refresh_all(sources)
    original = Article.objects.get(title=o.ALDER_3_TITLE)
    # The outlet re-posts the orchard story under a new GUID and a tracking link.
    repost = (
        "<item><title>Orchard growers try a shared cold store (updated)</title>"
        f"<link>{site.base}/alder/orchards?utm_campaign=repost</link><guid>alder-3-repost</guid>"
        "<pubDate>Tue, 03 Nov 2026 06:00:00 +0000</pubDate></item>"
    )
    site.server.route(
        "/alder/feed.xml",
        lambda request: o.reply(
            o.alder_feed(site.base).replace("</channel>", repost + "</channel>"), "application/rss+xml"
        ),
    )
    for _ in range(2):
        reports = refresh_all(sources)
        assert reports["alder"].new == 0
        assert reports["alder"].updated == 0
    assert Article.objects.filter(source=sources["alder"]).count() == 3
    assert Article.objects.get(pk=original.pk).title == o.ALDER_3_TITLE


def test_copy_seen_first_is_credited_to_the_original_outlet_later(world) -> None:
    site, sources = world
    # The syndicator is fetched first, so it stores the story; both outlets share one loopback host,
    # so give the original outlet its own host name for this test.
    alder = sources["alder"]
    with Fetcher(fetch_policy()) as fetcher:
        Pipeline(fetcher).refresh_source(sources["brook"].pk)
    library = Article.objects.get(title=o.ALDER_1_TITLE)
    assert library.source == sources["brook"]
    Source.objects.filter(pk=sources["brook"].pk).update(url="http://brook.invalid/atom.xml", site_url="")
    with Fetcher(fetch_policy()) as fetcher:
        report = Pipeline(fetcher).refresh_source(alder.pk)
    library.refresh_from_db()
    assert library.source == alder
    assert library.guid == "alder-1"
    assert report.new == 2
    assert Article.objects.filter(title=o.ALDER_1_TITLE).count() == 1
    # Brook's entry is remembered: fetching Brook again neither re-stores nor re-fetches the copy.
    Source.objects.filter(pk=sources["brook"].pk).update(url=site.feed_urls()["brook"])
    with Fetcher(fetch_policy()) as fetcher:
        again = Pipeline(fetcher).refresh_source(sources["brook"].pk)
    assert again.new == 0
    assert Article.objects.get(title=o.ALDER_1_TITLE).source == alder
