"""The SSRF guard end to end: sources, redirects, article links and `newsdesk sources add`.

Only loopback forms are used, and NEWSDESK_ALLOW_PRIVATE_NETWORKS is off for every test here (the
test settings turn it on; each test turns it off again). The "internal" server stands for a
service an attacker wants to reach; it must never see a connection. The "outlet" server is the one
exact address and port the policy lets through, standing for the public internet. Guard decisions
on non-loopback addresses are tested as pure functions in tests/ingest/test_netguard.py, without
any connection attempt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.stages.fetch import Fetcher, FetchPolicy
from newsdesk.sources.actions import do_add_source
from newsdesk.sources.models import Source
from tests.support.cli import run_cli
from tests.support.fetching import TableResolver
from tests.support.hostile import article_page, rss
from tests.support.loopback import LoopbackServer, redirect, reply

FEED = rss("Internal", [("Internal story", "http://internal.test/1", "Should never be read.")])


@pytest.fixture
def internal() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        server.route("/feed.xml", reply(FEED, "application/rss+xml"))
        server.route("/secret", reply(article_page("Internal admin page"), "text/html"))
        yield server


@pytest.fixture
def internal6() -> Iterator[LoopbackServer]:
    with LoopbackServer("::1") as server:
        server.route("/feed.xml", reply(FEED, "application/rss+xml"))
        yield server


@pytest.fixture
def outlet() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        server.route("/robots.txt", reply("User-agent: *\nAllow: /\n"))
        server.route(
            "/feed.xml",
            reply(rss("Outlet", [("A good story", server.url("/story"), "Summary.")]), "application/rss+xml"),
        )
        server.route("/story", reply(article_page("A good story"), "text/html"))
        yield server


@pytest.fixture
def policy(settings, outlet: LoopbackServer) -> FetchPolicy:
    settings.NEWSDESK_INGEST = {**settings.NEWSDESK_INGEST, "ALLOW_PRIVATE_NETWORKS": False}
    guarded = replace(fetch_policy(), allowed_endpoints=frozenset({(outlet.host, outlet.port)}))
    assert not guarded.allow_private_networks
    return guarded


def refresh(policy: FetchPolicy, *sources: Source, resolve=None) -> None:
    with Fetcher(policy, resolve=resolve) as fetcher:
        Pipeline(fetcher).refresh_many([s.pk for s in sources])
    for source in sources:
        source.refresh_from_db()


def assert_outlet_ingested(source: Source) -> None:
    assert source.last_error == ""
    assert list(source.articles.values_list("title", flat=True)) == ["A good story"]


FORMS = [
    ("127.0.0.1", "127.0.0.1 is a loopback address, which is not allowed."),
    ("127.1", "127.1 is a loopback address (127.0.0.1), which is not allowed."),
    ("2130706433", "2130706433 is a loopback address (127.0.0.1), which is not allowed."),
    ("0177.0.0.1", "0177.0.0.1 is a loopback address (127.0.0.1), which is not allowed."),
    ("0x7f.0.0.1", "0x7f.0.0.1 is a loopback address (127.0.0.1), which is not allowed."),
    ("localhost", "localhost is a name for this machine, which is not allowed."),
    ("0.0.0.0", "0.0.0.0 is an unspecified address, which is not allowed."),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address, which is not allowed."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("host", "sentence"), FORMS, ids=[h for h, _ in FORMS])
def test_a_source_on_a_loopback_form_is_refused_and_recorded(
    policy, internal: LoopbackServer, outlet: LoopbackServer, host: str, sentence: str
) -> None:
    bad = do_add_source(internal.url("/feed.xml", host=host), name="internal")
    good = do_add_source(outlet.url("/feed.xml"), name="outlet")
    refresh(policy, bad, good)
    assert bad.last_error == sentence
    assert bad.articles.count() == 0
    assert internal.connections == 0
    assert_outlet_ingested(good)


@pytest.mark.django_db
def test_ipv6_loopback_is_refused(policy, internal6: LoopbackServer, outlet: LoopbackServer) -> None:
    bad = do_add_source(internal6.url("/feed.xml"), name="internal6")
    good = do_add_source(outlet.url("/feed.xml"), name="outlet")
    refresh(policy, bad, good)
    assert bad.last_error == "::1 is a loopback address, which is not allowed."
    assert internal6.connections == 0
    assert_outlet_ingested(good)


@pytest.mark.django_db
def test_a_name_that_resolves_to_loopback_is_refused_at_connect_time(
    policy, internal: LoopbackServer, outlet: LoopbackServer
) -> None:
    resolver = TableResolver({"feeds.innocent.example": "127.0.0.1", "outlet.example": "127.0.0.1"})
    bad = do_add_source(f"http://feeds.innocent.example:{internal.port}/feed.xml", name="rebind")
    good = do_add_source(f"http://outlet.example:{outlet.port}/feed.xml", name="outlet")
    refresh(policy, bad, good, resolve=resolver)
    assert (
        bad.last_error
        == "feeds.innocent.example resolves to a loopback address (127.0.0.1), which is not allowed."
    )
    assert (
        "feeds.innocent.example" in resolver.lookups
    )  # judged on what the name resolved to, when connecting
    assert internal.connections == 0
    assert good.last_error == ""


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433"])
def test_a_redirect_into_the_internal_network_is_stopped_at_that_hop(
    policy, internal: LoopbackServer, outlet: LoopbackServer, host: str
) -> None:
    outlet.route("/moved.xml", redirect(internal.url("/feed.xml", host=host), status=301))
    bad = do_add_source(outlet.url("/moved.xml"), name="moved")
    refresh(policy, bad)
    assert "which is not allowed." in bad.last_error
    assert internal.connections == 0
    assert "/moved.xml" in outlet.paths  # the first hop was fetched; the second never left


@pytest.mark.django_db
def test_an_article_link_into_the_internal_network_keeps_the_feed_text(
    policy, internal: LoopbackServer, outlet: LoopbackServer
) -> None:
    feed = rss(
        "Outlet", [("A story with a poisoned link", internal.url("/secret"), "The feed's own summary.")]
    )
    outlet.route("/poisoned.xml", reply(feed, "application/rss+xml"))
    source = do_add_source(outlet.url("/poisoned.xml"), name="poisoned")
    refresh(policy, source)
    (article,) = source.articles.all()
    assert article.flags == ["page-unavailable"]
    assert article.text == "The feed's own summary."
    assert "Internal admin page" not in article.text
    assert internal.connections == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("host", ["127.0.0.1", "127.1", "2130706433", "localhost", "0.0.0.0", "[::1]"])
def test_sources_add_refuses_with_one_line(internal: LoopbackServer, host: str) -> None:
    url = internal.url("/feed.xml", host=host)
    done = run_cli("sources", "add", url, NEWSDESK_ALLOW_PRIVATE_NETWORKS="0")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"newsdesk: error: Could not fetch {url}: ")
    assert lines[0].endswith("which is not allowed.")
    assert "Traceback" not in done.stderr
    assert internal.connections == 0
    assert not Source.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_sources_add_works_with_private_networks_allowed(internal: LoopbackServer) -> None:
    """The control: the same command reaches the same server when the operator allows it."""
    done = run_cli("sources", "add", internal.url("/feed.xml"), NEWSDESK_ALLOW_PRIVATE_NETWORKS="1")
    assert done.returncode == 0, done.stderr
    assert internal.connections >= 1
