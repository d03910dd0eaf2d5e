"""Subscribing, verification of intent, renewal and unsubscribing, against our own hub on loopback."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from newsdesk.core.clock import utcnow
from newsdesk.sources.actions import do_remove_source
from newsdesk.sources.models import Source
from newsdesk.websub.jobs import websub_tick
from newsdesk.websub.models import Subscription
from tests.support.cli import run_cli

from .conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def _verify(world: World, token: str, **params: str) -> httpx.Response:
    return httpx.get(f"{world.site}/websub/{token}/", params=params, timeout=10)


def test_a_poll_that_finds_a_hub_subscribes_and_the_hub_verifies(world: World) -> None:
    world.poll()
    assert world.hub.wait_for(lambda hub: len(hub.verifications) == 1)
    sub = world.subscription()
    request = world.hub.requests[0]
    assert request["hub.mode"] == "subscribe"
    assert request["hub.topic"] == world.outlet.feed_url
    assert request["hub.callback"] == f"{world.site}/websub/{sub.token}/"
    assert len(sub.token) >= 40
    assert request["hub.secret"] == sub.secret
    assert len(sub.secret.encode()) < 200
    assert request["hub.lease_seconds"] == str(10 * 24 * 3600)
    assert world.hub.verifications[0].confirmed
    assert sub.state == Subscription.ACTIVE
    assert sub.pending_mode == ""
    assert sub.expires_at is not None
    assert sub.expires_at - timezone.now() > timedelta(days=9)
    # Polling goes on at the safety interval only.
    source = Source.objects.get(pk=world.source.pk)
    assert source.next_check_at - timezone.now() > timedelta(hours=5, minutes=59)
    listed = [json.loads(line) for line in run_cli("sources", "list", "--json").stdout.splitlines()]
    assert [row["websub"] for row in listed] == ["active"]


def test_each_subscription_has_its_own_secret_and_callback(world: World, subscribed: World) -> None:
    other = Source.objects.create(url=world.outlet.feed_url + "?copy", name="Copy")
    from newsdesk.websub.actions import do_discovered

    do_discovered(other.pk, (world.hub.url,), None, utcnow())
    first, second = Subscription.objects.order_by("id")
    assert first.secret != second.secret
    assert first.token != second.token
    assert second.topic == other.url  # no rel="self": the feed's own URL


def test_the_challenge_is_echoed_only_for_the_pending_request_of_that_topic(world: World) -> None:
    world.hub.verify = False  # the hub accepts but leaves the verifying to this test
    world.poll()
    sub = world.subscription()
    assert sub.state == Subscription.PENDING
    topic = world.outlet.feed_url
    assert (
        _verify(
            world, sub.token, **{"hub.mode": "subscribe", "hub.topic": topic + "x", "hub.challenge": "c1"}
        ).status_code
        == 404
    )
    assert (
        _verify(
            world, sub.token, **{"hub.mode": "unsubscribe", "hub.topic": topic, "hub.challenge": "c2"}
        ).status_code
        == 404
    )
    assert (
        _verify(
            world, "no-such-token", **{"hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "c3"}
        ).status_code
        == 404
    )
    assert _verify(world, sub.token, **{"hub.mode": "subscribe", "hub.topic": topic}).status_code == 404
    assert world.subscription().state == Subscription.PENDING
    good = _verify(
        world,
        sub.token,
        **{
            "hub.mode": "subscribe",
            "hub.topic": topic,
            "hub.challenge": "Kx7-q",
            "hub.lease_seconds": "3600",
        },
    )
    assert (good.status_code, good.text) == (200, "Kx7-q")
    assert "no-store" in good.headers["cache-control"]
    assert world.subscription().state == Subscription.ACTIVE
    assert world.subscription().lease_seconds == 3600
    # Once active, nothing is pending: the same request again is not agreed to.
    again = _verify(world, sub.token, **{"hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "c4"})
    assert again.status_code == 404


def test_a_hub_that_refuses_leaves_the_subscription_failed_and_it_is_retried(world: World) -> None:
    world.hub.refuse = 429
    world.poll()
    sub = world.subscription()
    assert sub.state == Subscription.FAILED
    assert (
        sub.last_error == "The hub answered 429 to the subscribe request: This hub does not take the request."
    )
    assert sub.retry_at is not None
    assert sub.retry_at - timezone.now() > timedelta(minutes=4)
    listed = json.loads(run_cli("sources", "list", "--json").stdout)
    assert listed["websub"] == "failed"
    world.hub.refuse = None
    assert websub_tick(sub.retry_at - timedelta(seconds=1)) == 0
    assert websub_tick(sub.retry_at) == 1
    assert world.hub.wait_for(lambda hub: len(hub.verifications) == 1)
    assert world.subscription().state == Subscription.ACTIVE
    assert world.subscription().last_error == ""


def test_a_request_the_hub_never_verifies_times_out(world: World) -> None:
    world.hub.verify = False
    world.poll()
    assert websub_tick(utcnow() + timedelta(minutes=14)) == 0
    assert websub_tick(utcnow() + timedelta(minutes=16)) == 1
    sub = world.subscription()
    assert sub.state == Subscription.FAILED
    assert sub.last_error == "The hub did not confirm the request within 15 minutes."


def test_a_denial_fails_the_subscription(subscribed: World) -> None:
    world = subscribed
    sub = world.subscription()
    assert world.hub.deny(world.outlet.feed_url, f"{world.site}/websub/{sub.token}/", "Too many feeds") == 200
    sub = world.subscription()
    assert sub.state == Subscription.FAILED
    assert sub.last_error == "The hub refused the subscription: Too many feeds."
    assert Source.objects.get(pk=world.source.pk).next_check_at <= timezone.now()  # polled again soon
    assert world.hub.deny(world.outlet.feed_url + "x", f"{world.site}/websub/{sub.token}/") == 404


def test_the_lease_is_renewed_before_it_runs_out(world: World) -> None:
    world.hub.lease_seconds = 1000
    world.poll()
    assert world.hub.wait_for(lambda hub: len(hub.verifications) == 1)
    sub = world.subscription()
    assert sub.lease_seconds == 1000
    assert sub.renew_at is not None
    assert sub.expires_at is not None
    assert timedelta(seconds=790) < sub.renew_at - utcnow() < timedelta(seconds=810)
    assert websub_tick(sub.renew_at - timedelta(seconds=5)) == 0
    assert websub_tick(sub.renew_at) == 1
    assert world.hub.wait_for(lambda hub: len(hub.verifications) == 2)
    assert [r["hub.mode"] for r in world.hub.requests] == ["subscribe", "subscribe"]
    assert world.hub.requests[1]["hub.secret"] == sub.secret  # the same subscription, renewed
    renewed = world.subscription()
    assert renewed.state == Subscription.ACTIVE
    assert renewed.pending_mode == ""
    assert renewed.renew_at is not None
    assert renewed.renew_at > sub.renew_at


def test_a_lease_that_runs_out_fails_and_the_source_is_polled_again(subscribed: World) -> None:
    world = subscribed
    sub = world.subscription()
    assert sub.expires_at is not None
    Subscription.objects.filter(pk=sub.pk).update(renew_at=sub.expires_at + timedelta(days=1))
    world.hub.verify = False
    lapsed_at = sub.expires_at
    assert websub_tick(lapsed_at) == 1
    sub = world.subscription()
    assert sub.last_error == "The lease ran out before it was renewed."
    assert sub.state == Subscription.PENDING  # and asked for again at once
    assert world.hub.requests[-1]["hub.mode"] == "subscribe"
    assert Source.objects.get(pk=world.source.pk).next_check_at <= lapsed_at  # due again from then


def test_removing_the_source_unsubscribes_at_the_hub(subscribed: World) -> None:
    world = subscribed
    do_remove_source(world.source.pk)
    assert world.hub.wait_for(lambda hub: len(hub.verifications) == 2)
    assert world.hub.requests[-1]["hub.mode"] == "unsubscribe"
    assert world.hub.verifications[-1].mode == "unsubscribe"
    assert world.hub.verifications[-1].confirmed
    assert world.hub.subscribers == {}
    assert not Subscription.objects.exists()


def test_a_feed_that_stops_naming_a_hub_is_forgotten(subscribed: World) -> None:
    world = subscribed
    world.outlet.hub_url = None
    world.poll()
    assert not Subscription.objects.exists()
    assert json.loads(run_cli("sources", "list", "--json").stdout)["websub"] is None


def test_a_site_on_loopback_does_not_ask_a_hub_on_the_internet(world: World) -> None:
    from newsdesk.websub.actions import do_discovered

    do_discovered(world.source.pk, ("https://hub.example/",), None, utcnow())
    sub = world.subscription()
    assert sub.state == Subscription.FAILED
    assert sub.last_error.startswith(f"NEWSDESK_SITE_URL ({world.site}) is not reachable from the hub")
