"""robots.txt applied to article pages fetched from a loopback server; feeds are exempt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.types import FetchError
from tests.support import LoopbackServer, Raw, redirect, reply
from tests.support.fetching import loopback_policy

PAGE = "<html><body><p>The lighthouse keeper retired after forty winters.</p></body></html>"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        for path in ("/news/lighthouse.html", "/drafts/lighthouse.html", "/drafts/feed.xml"):
            running.route(path, reply(PAGE, "text/html; charset=utf-8"))
        yield running


@pytest.fixture
def fetcher(server: LoopbackServer) -> Iterator[Fetcher]:
    with Fetcher(loopback_policy(server)) as running:
        yield running


def test_robots_allows_and_denies_and_is_fetched_once(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", reply("User-agent: *\nDisallow: /drafts/\n"))
    assert fetcher.fetch(server.url("/news/lighthouse.html"), kind="page").content == PAGE.encode()
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/drafts/lighthouse.html"), kind="page")
    assert str(caught.value) == "robots.txt disallows fetching this page."
    assert caught.value.permanent
    fetcher.fetch(server.url("/news/lighthouse.html"), kind="page")
    assert server.paths == ["/robots.txt", "/news/lighthouse.html", "/news/lighthouse.html"]


def test_robots_names_us_by_our_token(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", reply("User-agent: Newsdesk\nDisallow: /\n\nUser-agent: *\nAllow: /\n"))
    with pytest.raises(FetchError, match=r"^robots\.txt disallows"):
        fetcher.fetch(server.url("/news/lighthouse.html"), kind="page")


def test_feeds_are_not_subject_to_robots(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", reply("User-agent: *\nDisallow: /\n"))
    assert fetcher.fetch(server.url("/drafts/feed.xml")).status == 200
    assert "/robots.txt" not in server.paths


def test_missing_robots_means_allowed(server: LoopbackServer, fetcher: Fetcher) -> None:
    assert fetcher.fetch(server.url("/drafts/lighthouse.html"), kind="page").status == 200
    assert server.paths == ["/robots.txt", "/drafts/lighthouse.html"]


def test_unreachable_robots_means_allowed(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", Raw([]))  # the connection closes without a word
    assert fetcher.fetch(server.url("/drafts/lighthouse.html"), kind="page").status == 200


def test_robots_5xx_means_not_now(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", reply("down", status=503))
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/news/lighthouse.html"), kind="page")
    assert str(caught.value) == (
        "robots.txt could not be read (the server answered 503), "
        "so pages of this site are not fetched for now."
    )
    assert not caught.value.permanent
    assert server.paths == ["/robots.txt"]


def test_robots_behind_a_redirect_is_followed(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", redirect("/site/robots.txt", status=301))
    server.route("/site/robots.txt", reply("User-agent: *\nDisallow: /drafts/\n"))
    with pytest.raises(FetchError, match=r"^robots\.txt disallows"):
        fetcher.fetch(server.url("/drafts/lighthouse.html"), kind="page")


def test_a_huge_robots_file_is_read_up_to_its_cap(server: LoopbackServer) -> None:
    rules = "User-agent: *\nDisallow: /drafts/\n" + "# padding line\n" * 50_000
    server.route("/robots.txt", reply(rules))
    policy = loopback_policy(server, robots_max_bytes=10_000)
    with Fetcher(policy) as fetcher, pytest.raises(FetchError, match=r"^robots\.txt disallows"):
        fetcher.fetch(server.url("/drafts/lighthouse.html"), kind="page")


def test_a_page_redirected_to_a_disallowed_path_is_refused(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", reply("User-agent: *\nDisallow: /drafts/\n"))
    server.route("/news/moved.html", redirect("/drafts/lighthouse.html"))
    with pytest.raises(FetchError, match=r"^robots\.txt disallows"):
        fetcher.fetch(server.url("/news/moved.html"), kind="page")
    assert "/drafts/lighthouse.html" not in server.paths
