"""Content distribution: signatures good and bad, the size cap, coalescing a burst, and the ingest of a
pushed body through the ordinary pipeline, up to the Live News event."""

from __future__ import annotations

import httpx
import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from newsdesk.articles.models import Article
from newsdesk.live.models import LiveEvent
from newsdesk.websub.conf import MAX_WAITING
from newsdesk.websub.delivery import ingest_waiting
from newsdesk.websub.models import Push, Subscription
from newsdesk.websub.signature import sign
from newsdesk_demo.hub import Subscriber

from .conftest import World

pytestmark = pytest.mark.django_db(transaction=True)
# Tasks wait in the database, as under `newsdesk run`, so the test sees what was queued and runs it.
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _queued() -> list[str]:
    return [
        path.rsplit(".", 1)[1]
        for path in DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True)
    ]


RSS = "application/rss+xml; charset=utf-8"


def _subscriber(world: World) -> Subscriber:
    found = world.hub.subscriber(world.outlet.feed_url)
    assert found is not None
    return found


def _post(world: World, body: bytes, signature: str | None, **headers: str) -> httpx.Response:
    sent = {"Content-Type": RSS, **headers}
    if signature is not None:
        sent["X-Hub-Signature"] = signature
    return httpx.post(_subscriber(world).callback, content=body, headers=sent, timeout=10)


def test_a_signed_push_is_ingested_and_reaches_live_news(subscribed: World) -> None:
    world = subscribed
    [title] = world.outlet.release(0)
    assert world.push() == [202]
    article = Article.objects.get(title=title)
    assert article.source_id == world.source.pk
    assert "By Mira Holt" not in article.excerpt  # extracted from the page, as a polled story is
    assert LiveEvent.objects.filter(article_id=article.pk).count() == 1
    sub = world.subscription()
    assert sub.pushes == 1
    assert sub.signed_with == "sha256"
    assert sub.push_queued_at is None
    assert not Push.objects.exists()  # kept only until ingested


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=" + "0" * 64, "md5=abc", "sha256", "sha512=zz"],
    ids=["missing", "empty", "wrong", "unknown-method", "no-digest", "not-hex"],
)
def test_a_push_without_a_valid_signature_is_refused(subscribed: World, signature: str | None) -> None:
    world = subscribed
    world.outlet.release(1)
    answer = _post(world, world.outlet.body(), signature)
    assert answer.status_code == 403
    assert answer.text == "The X-Hub-Signature is missing or does not match.\n"
    assert not Article.objects.exists()
    assert not Push.objects.exists()
    assert world.subscription().pushes == 0


def test_a_signature_over_other_bytes_or_with_another_secret_is_refused(subscribed: World) -> None:
    world = subscribed
    world.outlet.release(1)
    body = world.outlet.body()
    secret = _subscriber(world).secret
    assert _post(world, body, sign(body + b" ", secret)).status_code == 403
    assert _post(world, body, sign(body, secret + "x")).status_code == 403
    assert _post(world, body, sign(body, secret, "sha512")).status_code == 202
    assert Article.objects.count() == 1


def test_sha1_is_taken_only_while_the_hub_offers_nothing_stronger(subscribed: World) -> None:
    world = subscribed
    secret = _subscriber(world).secret
    world.outlet.release(0)
    body = world.outlet.body()
    assert _post(world, body, sign(body, secret, "sha1")).status_code == 202
    assert _post(world, body, sign(body, secret, "sha384")).status_code == 202
    assert world.subscription().signed_with == "sha384"
    assert _post(world, body, sign(body, secret, "sha1")).status_code == 403
    assert _post(world, body, sign(body, secret, "sha256")).status_code == 403
    assert _post(world, body, sign(body, secret, "sha512")).status_code == 202


def test_a_body_over_the_cap_is_refused(subscribed: World, settings) -> None:
    world = subscribed
    settings.NEWSDESK_WEBSUB = {**settings.NEWSDESK_WEBSUB, "MAX_BYTES": 600}
    world.outlet.release(0, 1)
    body = world.outlet.body()
    assert len(body) > 600
    answer = _post(world, body, sign(body, _subscriber(world).secret))
    assert answer.status_code == 413
    assert not Push.objects.exists()
    assert not Article.objects.exists()


def test_a_push_to_an_unknown_callback_is_gone(subscribed: World) -> None:
    world = subscribed
    answer = httpx.post(f"{world.site}/websub/no-such-token/", content=b"<rss/>", timeout=10)
    assert answer.status_code == 410


def test_a_bad_body_is_recorded_and_the_next_push_still_works(subscribed: World) -> None:
    world = subscribed
    secret = _subscriber(world).secret
    junk = b"<html><body>not a feed</body></html>"
    assert _post(world, junk, sign(junk, secret)).status_code == 202
    assert world.subscription().last_error.startswith("A pushed body could not be read: ")
    world.outlet.release(2)
    assert world.push() == [202]
    assert Article.objects.count() == 1


@override_settings(TASKS=QUEUED)
def test_a_burst_is_one_task_and_its_bodies_are_ingested_in_order(subscribed: World) -> None:
    world = subscribed
    titles = []
    for number in range(4):
        titles += world.outlet.release(number)
        # Each body holds only the newest story, as hubs that push only what is new do.
        world.outlet.released = world.outlet.released[-1:]
        body = world.outlet.body()
        assert world.hub.deliver(_subscriber(world), body, RSS) == 202
    assert _queued() == ["ingest_pushes"]
    assert Push.objects.count() == 4
    assert not Article.objects.exists()  # nothing was ingested in the requests
    done = ingest_waiting(world.subscription().pk)
    assert done["bodies"] == 4
    assert done["new"] == 4
    assert list(Article.objects.order_by("id").values_list("title", flat=True)) == titles
    assert world.subscription().push_queued_at is None
    # The next push queues a task again.
    world.outlet.release(4)
    assert world.push() == [202]
    assert _queued() == ["ingest_pushes", "ingest_pushes"]


@override_settings(TASKS=QUEUED)
def test_a_flood_keeps_the_newest_bodies_and_then_polls(subscribed: World) -> None:
    world = subscribed
    world.outlet.release(0, 1)
    body = world.outlet.body()
    for _ in range(MAX_WAITING + 5):
        assert world.hub.deliver(_subscriber(world), body, RSS) == 202
    assert Push.objects.count() == MAX_WAITING
    assert world.subscription().overflowed
    assert _queued() == ["ingest_pushes"]
    polls = world.outlet.server.paths.count("/feed.xml")
    done = ingest_waiting(world.subscription().pk)
    assert done["bodies"] == MAX_WAITING
    assert done["polled"] is True
    assert world.outlet.server.paths.count("/feed.xml") == polls + 1
    assert Article.objects.count() == 2
    sub = Subscription.objects.get(pk=world.subscription().pk)
    assert not sub.overflowed
    assert sub.push_queued_at is None
