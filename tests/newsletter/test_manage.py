"""The subscriber's own links: preferences, pause, export, delete-me, unsubscribe pages."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk.newsletter.models import Consent, DigestRun, Send, Subscriber
from newsdesk.newsletter.tokens import manage_token, unsubscribe_token

from .conftest import confirmed_subscriber, make_source, make_topic

pytestmark = pytest.mark.django_db
SAME_SITE: dict[str, Any] = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def url(name: str, subscriber: Subscriber) -> str:
    """The page's link as a mail carries it: unsubscribe with the unsubscribe token, the rest managed."""
    if name == "unsubscribe":
        return reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber.key)])
    return reverse(f"newsletter:{name}", args=[manage_token(subscriber.manage_key)])


def test_preferences_change_topics_frequency_and_pause(client: Client) -> None:
    transport, science = make_topic("transport"), make_topic("science")
    courier = make_source("Valley Courier")
    subscriber = confirmed_subscriber("ada@example.org", topics=[transport])
    page = client.get(url("preferences", subscriber))
    assert page.status_code == 200
    assert b'value="transport" checked' in page.content
    data = {"frequency": "weekly", "topics": ["science"], "sources": [str(courier.pk)], "paused": "1"}
    saved = client.post(url("preferences", subscriber), data, **SAME_SITE)
    assert saved.status_code == 200
    assert b"Saved." in saved.content
    subscriber.refresh_from_db()
    assert subscriber.frequency == "weekly"
    assert subscriber.paused
    assert list(subscriber.topics.all()) == [science]
    assert list(subscriber.sources.all()) == [courier]
    assert subscriber.consents.filter(action=Consent.Action.PREFERENCES).count() == 1
    assert not Subscriber.objects.receiving().filter(pk=subscriber.pk).exists()
    # Un-pausing starts from now, not with everything missed meanwhile.
    client.post(url("preferences", subscriber), {"frequency": "weekly"}, **SAME_SITE)
    subscriber.refresh_from_db()
    assert not subscriber.paused
    assert subscriber.digest_cursor is not None
    assert subscriber.digest_cursor > timezone.now() - timedelta(minutes=1)
    assert list(subscriber.topics.all()) == []


def test_preferences_with_a_bad_choice_is_a_clear_error(client: Client) -> None:
    subscriber = confirmed_subscriber("ada@example.org")
    answer = client.post(url("preferences", subscriber), {"frequency": "hourly"}, **SAME_SITE)
    assert answer.status_code == 400
    assert b"Please choose daily or weekly." in answer.content
    assert Subscriber.objects.get(pk=subscriber.pk).frequency == "daily"


def test_unsubscribe_page_needs_a_post_and_can_come_back(client: Client) -> None:
    subscriber = confirmed_subscriber("ada@example.org")
    page = client.get(url("unsubscribe", subscriber))
    assert page.status_code == 200
    assert b">Unsubscribe</button>" in page.content
    assert Subscriber.objects.get(pk=subscriber.pk).status == "confirmed"  # a GET changes nothing
    done = client.post(url("unsubscribe", subscriber))
    assert b"You are unsubscribed" in done.content
    assert Subscriber.objects.get(pk=subscriber.pk).status == "unsubscribed"
    back = client.post(url("preferences", subscriber), {"action": "resubscribe"}, **SAME_SITE)
    assert b"Welcome back" in back.content
    assert Subscriber.objects.get(pk=subscriber.pk).status == "confirmed"


def test_one_click_with_a_bad_token_is_a_plain_404(client: Client) -> None:
    answer = client.post("/newsletter/unsubscribe/forged:token/", {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/plain")
    page = client.get("/newsletter/preferences/forged:token/")
    assert page.status_code == 404
    assert b"This link does not work" in page.content


def test_export_gives_the_subscriber_their_data_as_json(client: Client) -> None:
    transport = make_topic("transport")
    subscriber = confirmed_subscriber("ada@example.org", topics=[transport])
    Consent.objects.create(
        subscriber=subscriber, action="signup", form_version="signup-v1", source_hash="ab" * 16
    )
    run = DigestRun.objects.create(cutoff=timezone.now())
    Send.objects.create(run=run, subscriber=subscriber, state="sent", items=[1, 2, 3])
    answer = client.get(url("export", subscriber))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/json")
    assert "attachment" in answer["Content-Disposition"]
    data = json.loads(answer.content)
    assert data["email"] == "ada@example.org"
    assert data["topics"] == ["Transport"]
    assert data["consents"][0]["form_version"] == "signup-v1"
    assert data["digests"] == [{"at": data["digests"][0]["at"], "state": "sent", "stories": 3}]


def test_delete_me_removes_everything(client: Client) -> None:
    subscriber = confirmed_subscriber("ada@example.org")
    Consent.objects.create(subscriber=subscriber, action="signup")
    run = DigestRun.objects.create(cutoff=timezone.now())
    Send.objects.create(run=run, subscriber=subscriber, state="sent")
    page = client.get(url("delete", subscriber))
    assert b"Delete everything" in page.content
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    done = client.post(url("delete", subscriber), **SAME_SITE)
    assert b"We deleted ada@example.org" in done.content
    assert not Subscriber.objects.exists()
    assert not Consent.objects.exists()
    assert not Send.objects.exists()
    assert client.post(url("delete", subscriber), **SAME_SITE).status_code == 200  # idempotent


def test_cross_site_post_to_preferences_is_refused(client: Client) -> None:
    subscriber = confirmed_subscriber("ada@example.org")
    answer = client.post(
        url("delete", subscriber), HTTP_ORIGIN="https://evil.example", HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert answer.status_code == 403
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
