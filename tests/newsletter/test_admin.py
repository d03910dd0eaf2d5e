"""The admin shows subscribers (status, topics, bounces), runs, sends and the consent proof; its writes go
through actions.py and leave the same proof as a reader's own."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django.utils import timezone

from newsdesk.newsletter.models import Consent, DigestRun, Send, Subscriber
from tests.web.html import found

from .conftest import confirmed_subscriber, make_source, make_topic

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}

pytestmark = pytest.mark.django_db


def test_admin_pages_show_the_newsletter(admin_client: Client) -> None:
    subscriber = confirmed_subscriber("ada@example.org", topics=[make_topic("transport")])
    subscriber.bounce_count = 2
    subscriber.save()
    Consent.objects.create(
        subscriber=subscriber, action="signup", form_version="signup-v1", source_hash="f" * 32
    )
    run = DigestRun.objects.create(cutoff=timezone.now())
    Send.objects.create(run=run, subscriber=subscriber, state="sent", items=[1])
    listing = admin_client.get("/admin/newsletter/subscriber/").content.decode()
    assert "ada@example.org" in listing
    assert "confirmed" in listing
    detail = admin_client.get(f"/admin/newsletter/subscriber/{subscriber.pk}/change/").content.decode()
    assert "signup-v1" in detail
    assert "f" * 32 in detail
    for path in ("/admin/newsletter/send/", "/admin/newsletter/consent/", "/admin/newsletter/digestrun/"):
        assert admin_client.get(path).status_code == 200
    assert admin_client.get("/admin/newsletter/consent/add/").status_code == 403  # evidence is read-only


# ---- every write goes through actions.py, with proof ----------------------------------------------


def confirm_path(message) -> str:
    return found(r"https?://[^/\s]+(/newsletter/confirm/\S+/)", message.body).group(1)


def change_form(admin_client: Client, subscriber: Subscriber, **choices: object) -> dict[str, object]:
    """What the browser posts from the subscriber's page: its hidden inputs (the read-only inlines'
    management forms) and the given choices."""
    page = admin_client.get(f"/admin/newsletter/subscriber/{subscriber.pk}/change/").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="((?:consents|sends)-[^"]+)" value="([^"]*)"', page))
    assert "consents-TOTAL_FORMS" in hidden
    return {**hidden, **choices}


def test_adding_a_subscriber_is_a_signup_on_their_behalf_that_they_confirm(
    admin_client: Client, client: Client, django_capture_on_commit_callbacks
) -> None:
    transport, harbour = make_topic("transport"), make_source()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/newsletter/subscriber/add/",
            {"email": " Ada@Example.org ", "frequency": "weekly", "topics": [transport.pk],
             "sources": [harbour.pk], "_continue": "1"},
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    subscriber = Subscriber.objects.get()
    assert response["Location"].endswith(f"/admin/newsletter/subscriber/{subscriber.pk}/change/")
    assert (subscriber.email, subscriber.status, subscriber.frequency) == (
        "Ada@example.org",
        "pending",
        "weekly",
    )
    assert subscriber.confirm_nonce
    assert subscriber.key
    assert list(subscriber.topics.all()) == [transport]
    assert list(subscriber.sources.all()) == [harbour]
    signup = subscriber.consents.get()
    assert (signup.action, signup.form_version) == ("signup", "admin-v1")
    assert re.fullmatch(r"[0-9a-f]{32,}", signup.source_hash)  # the admin's address, hashed like a reader's
    assert signup.details == {"frequency": "weekly", "topics": [transport.pk], "sources": [harbour.pk],
                              "by": "admin"}  # fmt: skip
    # Nothing goes to them before they confirm, as with any signup.
    assert [m.to for m in mail.outbox] == [["Ada@example.org"]]
    assert client.post(confirm_path(mail.outbox[0]), headers=SAME_ORIGIN).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    assert LogEntry.objects.get(object_id=str(subscriber.pk)).is_addition()


def test_an_address_already_on_the_list_is_refused_in_the_admin(admin_client: Client) -> None:
    confirmed_subscriber("ada@example.org")
    response = admin_client.post(
        "/admin/newsletter/subscriber/add/", {"email": "ADA@example.org", "frequency": "daily"}
    )
    assert response.status_code == 200
    assert "ada@example.org is already on the list (confirmed)." in response.content.decode()
    bad = admin_client.post(
        "/admin/newsletter/subscriber/add/", {"email": "not-an-address", "frequency": "daily"}
    )
    assert "must have an @-sign" in bad.content.decode()
    assert Subscriber.objects.count() == 1
    assert not mail.outbox


def test_a_change_in_the_admin_is_a_preferences_change_kept_as_proof(admin_client: Client) -> None:
    subscriber = confirmed_subscriber("ada@example.org", topics=[make_topic("transport")])
    key, nonce = subscriber.key, subscriber.confirm_nonce
    health = make_topic("health")
    data = change_form(admin_client, subscriber, frequency="weekly", paused="on", topics=[health.pk],
                       email="mallory@example.org", status="unsubscribed")  # fmt: skip
    response = admin_client.post(f"/admin/newsletter/subscriber/{subscriber.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    subscriber.refresh_from_db()
    assert (subscriber.frequency, subscriber.paused) == ("weekly", True)
    assert list(subscriber.topics.all()) == [health]
    # The address, the status and the links' key are not the admin's to change.
    assert (subscriber.email, subscriber.status) == ("ada@example.org", "confirmed")
    assert (subscriber.key, subscriber.confirm_nonce) == (key, nonce)
    change = subscriber.consents.get()
    assert (change.action, change.form_version) == ("preferences", "admin-v1")
    assert change.details == {"paused": True, "frequency": "weekly", "topics": [health.pk], "sources": [],
                              "by": "admin"}  # fmt: skip
    # Saving without a change records nothing.
    same = change_form(admin_client, subscriber, frequency="weekly", paused="on", topics=[health.pk])
    admin_client.post(f"/admin/newsletter/subscriber/{subscriber.pk}/change/", same)
    assert subscriber.consents.count() == 1


def test_unsubscribing_from_the_admin_is_kept_as_proof(admin_client: Client) -> None:
    ada = confirmed_subscriber("ada@example.org")
    bob = confirmed_subscriber("bob@example.org")
    response = admin_client.post(
        "/admin/newsletter/subscriber/", {"action": "unsubscribe", "_selected_action": [ada.pk]}
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.status, ada.unsubscribed_at is not None) == ("unsubscribed", True)
    assert ada.consents.get().details == {"by": "admin"}
    assert Subscriber.objects.get(pk=bob.pk).status == "confirmed"


def test_deleting_a_subscriber_removes_everything_kept_about_them(admin_client: Client) -> None:
    ada = confirmed_subscriber("ada@example.org")
    run = DigestRun.objects.create(cutoff=timezone.now())
    Send.objects.create(run=run, subscriber=ada, state="sent", items=[1])
    Consent.objects.create(subscriber=ada, action="signup", form_version="signup-v1")
    keep = confirmed_subscriber("bob@example.org")
    Consent.objects.create(subscriber=keep, action="signup", form_version="signup-v1")
    url = f"/admin/newsletter/subscriber/{ada.pk}/delete/"
    confirm = admin_client.get(url).content.decode()
    assert "Are you sure" in confirm
    assert "permission" not in confirm  # their records go with them, though never on their own
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert list(Subscriber.objects.all()) == [keep]
    assert (Send.objects.count(), Consent.objects.count()) == (0, 1)
    response = admin_client.post(
        "/admin/newsletter/subscriber/",
        {"action": "delete_selected", "_selected_action": [keep.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert (Subscriber.objects.count(), Consent.objects.count()) == (0, 0)
    assert DigestRun.objects.filter(pk=run.pk).exists()


@pytest.mark.parametrize("model", ["digestrun", "send", "consent"])
def test_evidence_is_read_only(admin_client: Client, model: str) -> None:
    ada = confirmed_subscriber("ada@example.org")
    run = DigestRun.objects.create(cutoff=timezone.now())
    records = {
        "digestrun": run,
        "send": Send.objects.create(run=run, subscriber=ada, state="sent", items=[1]),
        "consent": Consent.objects.create(subscriber=ada, action="signup", form_version="signup-v1"),
    }
    pk = records[model].pk
    page = admin_client.get(f"/admin/newsletter/{model}/{pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(f"/admin/newsletter/{model}/{pk}/change/", {}).status_code == 403
    assert admin_client.post(f"/admin/newsletter/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(f"/admin/newsletter/{model}/", {"action": "delete_selected", "_selected_action": [pk],
                                                      "post": "yes"})  # fmt: skip
    assert type(records[model])._default_manager.filter(pk=pk).exists()
