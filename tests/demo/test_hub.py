"""The demo outlets' WebSub hub: the feeds name it, it verifies a subscriber, and each drip release is
pushed to the subscribers of its outlet's feed, signed with their secret."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, urlsplit

import feedparser
import httpx

from newsdesk.websub.signature import check_signature
from newsdesk_demo.server import DemoServer
from tests.support.loopback import LoopbackServer, Reply, SeenRequest, reply


def test_every_feed_names_the_hub_and_itself(demo: DemoServer, client: httpx.Client) -> None:
    hub = demo.base_url + "/hub/"
    for path in ("/courier/feed.xml", "/coastline/atom.xml", "/bulletin/feed.xml"):
        links = feedparser.parse(client.get(path).content).feed.links
        assert {(link["rel"], link["href"]) for link in links} >= {
            ("hub", hub),
            ("self", demo.base_url + path),
        }
    feed = json.loads(client.get("/gazette/feed.json").content)
    assert feed["hubs"] == [{"type": "WebSub", "url": hub}]


def test_a_verified_subscriber_gets_each_release_pushed() -> None:
    pushes: list[tuple[bytes, str]] = []
    arrived = threading.Event()

    def callback(request: SeenRequest) -> Reply:
        if request.method == "GET":  # verification of intent: echo the challenge
            return reply(parse_qs(urlsplit(request.path).query)["hub.challenge"][0])
        return reply(b"", status=202)

    with LoopbackServer() as subscriber, DemoServer(drip_seconds=1.5) as demo:
        subscriber.route("/cb/", callback)
        base = demo.base_url
        topic = base + "/courier/feed.xml"
        form = {"hub.mode": "subscribe", "hub.topic": topic, "hub.callback": subscriber.url("/cb/"),
                "hub.secret": "a-demo-secret", "hub.lease_seconds": "600"}  # fmt: skip
        assert httpx.post(demo.hub.url, data=form, timeout=10).status_code == 202
        assert demo.hub.wait_for(lambda hub: hub.subscriber(topic) is not None)
        assert demo.hub.verifications[0].confirmed

        def pushed(request: SeenRequest) -> Reply:
            pushes.append((request.body, request.headers.get("x-hub-signature", "")))
            arrived.set()
            return reply(b"", status=202)

        subscriber.route("/cb/", lambda r: pushed(r) if r.method == "POST" else callback(r))
        # Releases take turns across the outlets: the courier's first comes within four drips.
        assert arrived.wait(timeout=10)
    body, signature = pushes[0]
    assert check_signature(signature, body, "a-demo-secret") == "sha256"
    entries = feedparser.parse(body).entries
    assert entries
    assert all(e.link.startswith(base + "/courier/") for e in entries)
