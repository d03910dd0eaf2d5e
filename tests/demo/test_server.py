"""DemoServer's API: start, stop, base_url, context manager, and plain errors."""

from __future__ import annotations

import socket

import httpx
import pytest

from newsdesk_demo.outlets import demo_feeds
from newsdesk_demo.server import DemoError, DemoServer


def test_demo_feeds_lists_every_outlet_at_the_base_url() -> None:
    feeds = demo_feeds("http://127.0.0.1:8123/")
    assert len(feeds) == 4
    assert all(url.startswith("http://127.0.0.1:8123/") and "//" not in url[7:] for _name, url in feeds)
    assert {url.rsplit("/", 1)[1] for _name, url in feeds} == {"feed.xml", "atom.xml", "feed.json"}


def test_every_listed_feed_is_served(demo: DemoServer, client: httpx.Client) -> None:
    for _name, url in demo_feeds(demo.base_url):
        assert client.get(url).status_code == 200
    assert demo.feeds() == demo_feeds(demo.base_url)


def test_start_stop_and_context_manager() -> None:
    server = DemoServer()
    with pytest.raises(DemoError, match="not been started"):
        _ = server.base_url
    with server:
        url = server.base_url
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/").status_code == 200
        with pytest.raises(DemoError, match="already running"):
            server.start()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/", timeout=2)
    server.stop()  # a second stop is harmless


def test_a_taken_port_is_one_plain_sentence() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DemoError) as error:
            DemoServer(port=port).start()
    message = str(error.value)
    assert message.startswith(f"The demo server cannot listen on 127.0.0.1:{port}: ")
    assert "\n" not in message
    assert message.endswith(".")


@pytest.mark.parametrize("drip", [0, -5])
def test_drip_must_be_positive(drip: float) -> None:
    with pytest.raises(DemoError, match="positive number of seconds"):
        DemoServer(drip_seconds=drip)


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.fail("this machine has no IPv6 support; the test needs ::1")
    try:
        server = DemoServer(host="::1").start()
    except DemoError as error:
        pytest.fail(f"IPv6 loopback is unavailable here: {error}")
    with server:
        assert server.base_url.startswith("http://[::1]:")
        assert httpx.get(server.base_url + "/robots.txt").status_code == 200
