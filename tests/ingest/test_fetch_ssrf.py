"""The SSRF guard end to end, only ever aimed at our own loopback servers.

Each refusal is checked twice: the guarded fetch is refused and the server saw no connection at
all; and the same URL with the guard off does reach the server, so the refusal is the guard's
doing, not an address that leads nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdesk.ingest.stages.fetch import Fetcher, FetchPolicy, GuardedBackend
from newsdesk.types import BlockedAddress
from tests.support import LoopbackServer, redirect, reply
from tests.support.fetching import TableResolver, loopback_policy


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        running.route("/secret", reply("internal admin page"))
        yield running


@pytest.fixture
def server6() -> Iterator[LoopbackServer]:
    with LoopbackServer("::1") as running:
        running.route("/secret", reply("internal admin page"))
        yield running


LOOPBACK_FORMS = [
    ("127.0.0.1", "127.0.0.1 is a loopback address, which is not allowed."),
    ("127.1", "127.1 is a loopback address (127.0.0.1), which is not allowed."),
    ("2130706433", "2130706433 is a loopback address (127.0.0.1), which is not allowed."),
    ("0177.0.0.1", "0177.0.0.1 is a loopback address (127.0.0.1), which is not allowed."),
    ("0x7f.1", "0x7f.1 is a loopback address (127.0.0.1), which is not allowed."),
    ("127.0.0.1.", "127.0.0.1. is a loopback address (127.0.0.1), which is not allowed."),
    ("localhost", "localhost is a name for this machine, which is not allowed."),
    ("LocalHost.", "localhost. is a name for this machine, which is not allowed."),
    ("0.0.0.0", "0.0.0.0 is an unspecified address, which is not allowed."),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address, which is not allowed."),
]


@pytest.mark.parametrize(("host", "sentence"), LOOPBACK_FORMS)
def test_loopback_forms_are_refused_before_connecting(
    server: LoopbackServer, host: str, sentence: str
) -> None:
    with Fetcher(FetchPolicy()) as fetcher, pytest.raises(BlockedAddress) as caught:
        fetcher.fetch(server.url("/secret", host=host))
    assert str(caught.value) == sentence
    assert caught.value.permanent
    assert server.connections == 0


def test_ipv6_loopback_is_refused(server6: LoopbackServer) -> None:
    with Fetcher(FetchPolicy()) as fetcher, pytest.raises(BlockedAddress) as caught:
        fetcher.fetch(server6.url("/secret"))
    assert str(caught.value) == "::1 is a loopback address, which is not allowed."
    assert server6.connections == 0


# 0177.0.0.1 is missing here on purpose: httpx itself rejects that spelling, so it reaches nothing.
@pytest.mark.parametrize("host", ["127.0.0.1", "127.1", "2130706433", "0x7f.1", "localhost", "0.0.0.0"])
def test_control_the_same_forms_do_reach_the_server_without_the_guard(
    server: LoopbackServer, host: str
) -> None:
    with Fetcher(FetchPolicy(allow_private_networks=True)) as fetcher:
        assert fetcher.fetch(server.url("/secret", host=host)).content == b"internal admin page"
    assert server.connections == 1


def test_control_ipv6_loopback_without_the_guard(server6: LoopbackServer) -> None:
    with Fetcher(FetchPolicy(allow_private_networks=True)) as fetcher:
        assert fetcher.fetch(server6.url("/secret")).content == b"internal admin page"


def test_a_name_resolving_to_loopback_is_refused_at_connect_time(server: LoopbackServer) -> None:
    """No URL check can see this one: only the connect-time check on the resolved address."""
    names = TableResolver({"intranet.example.test": "127.0.0.1"})
    with Fetcher(FetchPolicy(), resolve=names) as fetcher, pytest.raises(BlockedAddress) as caught:
        fetcher.fetch(server.url("/secret", host="intranet.example.test"))
    assert str(caught.value) == (
        "intranet.example.test resolves to a loopback address (127.0.0.1), which is not allowed."
    )
    assert names.lookups == ["intranet.example.test"]
    assert server.connections == 0


def test_every_resolved_address_is_checked_not_just_the_first(server: LoopbackServer) -> None:
    names = TableResolver({"mixed.example.test": ["127.0.0.1", "10.0.0.1"]})
    with Fetcher(loopback_policy(server), resolve=names) as fetcher, pytest.raises(BlockedAddress) as caught:
        fetcher.fetch(server.url("/secret", host="mixed.example.test"))
    assert "a private address (10.0.0.1)" in str(caught.value)
    assert server.connections == 0


def test_the_connection_goes_to_the_checked_address_resolved_once(server: LoopbackServer) -> None:
    """DNS rebinding needs a second lookup between check and connect; there is none."""
    names = TableResolver({"feeds.example.test": "127.0.0.1"})
    with Fetcher(loopback_policy(server), resolve=names) as fetcher:
        result = fetcher.fetch(server.url("/secret", host="feeds.example.test"))
    assert result.content == b"internal admin page"
    assert names.lookups == ["feeds.example.test"]
    assert server.requests[0].headers["host"] == f"feeds.example.test:{server.port}"


def test_an_allowed_endpoint_is_exactly_one_port(server: LoopbackServer) -> None:
    with LoopbackServer() as other:
        other.route("/secret", reply("other service"))
        with Fetcher(loopback_policy(server)) as fetcher, pytest.raises(BlockedAddress):
            fetcher.fetch(other.url("/secret"))
        assert other.connections == 0


@pytest.mark.parametrize("form", ["127.0.0.1", "0x7f.1", "name"])
def test_a_redirect_to_a_refused_address_is_stopped_at_that_hop(server: LoopbackServer, form: str) -> None:
    with LoopbackServer() as internal:
        internal.route("/secret", reply("internal admin page"))
        names = TableResolver({"internal.example.test": "127.0.0.1"})
        host = "internal.example.test" if form == "name" else form
        server.route("/feed.xml", redirect(internal.url("/secret", host=host)))
        with (
            Fetcher(loopback_policy(server), resolve=names) as fetcher,
            pytest.raises(BlockedAddress) as caught,
        ):
            fetcher.fetch(server.url("/feed.xml"))
        assert "loopback address" in str(caught.value)
        assert server.paths == ["/feed.xml"]
        assert internal.connections == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "0x7f.1", "::1", "localhost"])
def test_the_backend_refuses_on_its_own_without_the_url_check(server: LoopbackServer, host: str) -> None:
    """The connect-time guard alone, as httpcore calls it: a second wall behind the URL check."""
    with pytest.raises(BlockedAddress):
        GuardedBackend(FetchPolicy()).connect_tcp(host, server.port, timeout=1.0)
    assert server.connections == 0
