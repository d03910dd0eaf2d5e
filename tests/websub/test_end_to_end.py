"""From a push at the hub to the Live News event, through the real `newsdesk run` (web server, worker and
scheduler as processes, tasks queued in the database): nothing but WebSub brings the story in."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator

import pytest

from newsdesk.sources.actions import do_add_source
from newsdesk.websub.models import Subscription
from newsdesk_demo.hub import HubServer
from tests.support.cli import start_cli
from tests.support.loopback import LoopbackServer
from tests.support.net import answers, free_port, wait_for
from tests.support.sse import SSEClient

from .conftest import PushingOutlet

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def running() -> Iterator[tuple[str, HubServer, PushingOutlet]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with HubServer() as hub, LoopbackServer() as server:
        outlet = PushingOutlet(server, hub.hub.url)
        outlet.release(0)
        do_add_source(outlet.feed_url, name="Lantern Bay Post")
        run = start_cli("run", "--port", str(port), NEWSDESK_SITE_URL=base, NEWSDESK_SCHEDULER_TICK="1")
        try:
            assert wait_for(lambda: answers(base + "/robots.txt"), timeout=40), "newsdesk run did not come up"
            yield base, hub, outlet
        finally:
            os.killpg(run.pid, signal.SIGINT)
            _out, err = run.communicate(timeout=30)
        assert run.returncode == 0, err


def test_a_push_at_the_hub_becomes_a_live_news_event(running) -> None:
    base, hub, outlet = running
    # The first poll finds the hub; the worker subscribes; the hub verifies through the web server.
    assert hub.hub.wait_for(lambda h: h.subscriber(outlet.feed_url) is not None, timeout=60)
    assert wait_for(lambda: Subscription.objects.filter(state=Subscription.ACTIVE).exists(), timeout=10)
    polls = outlet.server.paths.count("/feed.xml")
    with SSEClient(base + "/live/stream") as stream:
        for number in (1, 2):
            [title] = outlet.release(number)
            assert hub.hub.publish(outlet.feed_url, outlet.body(), "application/rss+xml") == [202]
            event = stream.next_event(timeout=15)
            assert json.loads(event.data)["title"] == title
    # The feed was not polled again: the stories came by the push alone.
    assert outlet.server.paths.count("/feed.xml") == polls
