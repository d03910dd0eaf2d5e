"""The WebSub tests' world: our own hub (newsdesk_demo.hub) and an outlet on loopback that names it, and
the site's callback served by Django's live server, whose address is NEWSDESK_SITE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.report import SourceReport
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.sources.actions import do_add_source
from newsdesk.sources.models import Source
from newsdesk.websub.models import Subscription
from newsdesk_demo.hub import Hub, HubServer
from tests.live.outlet import GrowingOutlet
from tests.support.loopback import LoopbackServer, Reply, SeenRequest, reply


class PushingOutlet(GrowingOutlet):
    """The growing outlet, its feed naming a WebSub hub and its own topic URL."""

    def __init__(self, server: LoopbackServer, hub_url: str) -> None:
        self.hub_url: str | None = hub_url
        super().__init__(server)

    def links(self) -> str:
        if self.hub_url is None:
            return ""
        return f'<atom:link rel="hub" href="{self.hub_url}"/><atom:link rel="self" href="{self.feed_url}"/>'

    def body(self) -> bytes:
        return self.feed_body(self.links())

    def _feed(self, request: SeenRequest) -> Reply:
        return reply(self.body(), "application/rss+xml; charset=utf-8")


@dataclass
class World:
    hub: Hub
    outlet: PushingOutlet
    source: Source
    site: str  # the live server's URL, which is NEWSDESK_SITE_URL

    def poll(self) -> SourceReport:
        with Fetcher(fetch_policy()) as fetcher:
            return Pipeline(fetcher).refresh_guarded(self.source.pk)

    def subscription(self) -> Subscription:
        return Subscription.objects.get(source_id=self.source.pk)

    def push(self) -> list[int]:
        return self.hub.publish(
            self.outlet.feed_url, self.outlet.body(), "application/rss+xml; charset=utf-8"
        )

    def active(self) -> bool:
        return Subscription.objects.filter(source_id=self.source.pk, state=Subscription.ACTIVE).exists()


@pytest.fixture
def world(live_server, settings) -> Iterator[World]:
    settings.SITE_URL = live_server.url
    with HubServer() as hub_server, LoopbackServer() as server:
        outlet = PushingOutlet(server, hub_server.hub.url)
        source = do_add_source(outlet.feed_url, name="Lantern Bay Post")
        yield World(hub_server.hub, outlet, source, live_server.url)


@pytest.fixture
def subscribed(world: World) -> World:
    """The world once the first poll has subscribed and the hub has verified."""
    world.poll()
    assert world.hub.wait_for(lambda hub: hub.subscriber(world.outlet.feed_url) is not None)
    assert world.active()
    return world
