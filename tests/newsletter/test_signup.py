"""The signup form and the confirmation link: bad input, duplicates, abuse, tokens."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from newsdesk.newsletter import actions
from newsdesk.newsletter.models import Consent, Subscriber
from newsdesk.newsletter.tokens import BadToken, confirm_token, read_confirm_token

from .conftest import confirmed_subscriber, make_topic

pytestmark = pytest.mark.django_db

THANKS = "Thank you for subscribing — check your inbox to confirm."
SAME_SITE: dict[str, Any] = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def signup(client: Client, email: str, *, json: bool = False, **extra):
    data = {"email": email, "frequency": "daily", "fv": "signup-v1", **extra}
    headers: dict[str, Any] = {"HTTP_ACCEPT": "application/json"} if json else {}
    return client.post("/newsletter/subscribe/", data, **SAME_SITE, **headers)


def confirm_link(message) -> str:
    found = re.search(r"http\S+/newsletter/confirm/\S+/", message.body)
    assert found is not None
    return found.group(0)


def path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_success_sends_one_confirmation_mail_and_records_consent(client: Client) -> None:
    answer = signup(client, "ada@example.org", json=True)
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "message": THANKS, "field": None}
    assert not answer.cookies
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "48 hours" in mail.outbox[0].body
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    consent = subscriber.consents.get()
    assert consent.action == Consent.Action.SIGNUP
    assert consent.form_version == "signup-v1"
    assert re.fullmatch(r"[0-9a-f]{32}", consent.source_hash)


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("", "Please enter your email address."),
        ("not-an-address", "must have an @-sign"),
        ("two@@example.org", "@"),
        ("ada@example", "period"),
        ("ada@exa mple.org", "invalid characters: SPACE"),
    ],
)
def test_bad_address_names_the_problem_and_keeps_the_form(client: Client, email: str, problem: str) -> None:
    transport = make_topic("transport")
    answer = signup(client, email, topics=[transport.slug], frequency="weekly")
    assert answer.status_code == 400
    page = answer.content.decode()
    assert problem in page
    assert 'aria-invalid="true"' in page
    assert 'value="weekly" checked' in page  # the form is kept filled
    assert f'value="{transport.slug}" checked' in page
    if email:
        assert f'value="{email}"' in page
    assert not Subscriber.objects.exists()
    assert not mail.outbox
    as_json = signup(client, email, json=True)
    assert as_json.status_code == 400
    assert as_json.json()["field"] == "email"
    assert problem in as_json.json()["message"]


def test_unknown_frequency_is_a_clear_error(client: Client) -> None:
    answer = signup(client, "ada@example.org", json=True, frequency="hourly")
    assert answer.status_code == 400
    assert answer.json()["message"] == "Please choose daily or weekly."


def test_already_subscribed_gets_the_same_answer_and_no_mail(client: Client) -> None:
    confirmed_subscriber("known@example.org")
    fresh = signup(client, "new@example.org", json=True)
    known = signup(client, "Known@example.org", json=True)
    assert fresh.status_code == known.status_code == 200
    assert fresh.json() == known.json()
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


def test_duplicate_pending_signup_sends_at_most_one_mail_an_hour(client: Client) -> None:
    for _ in range(3):
        assert signup(client, "ada@example.org").status_code == 200
    assert len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1
    # An hour later (the rate-limit counters have expired too), a new signup may send one more.
    cache.clear()
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=1, seconds=1))
    signup(client, "ada@example.org")
    assert len(mail.outbox) == 2


def test_honeypot_answers_success_and_does_nothing(client: Client, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="newsdesk"):
        answer = signup(client, "bot@example.org", json=True, website="http://spam.example")
    assert answer.json()["ok"] is True
    assert answer.json()["message"] == THANKS
    assert not Subscriber.objects.exists()
    assert not mail.outbox
    assert "honeypot" in caplog.text


def test_per_ip_rate_limit(client: Client, settings) -> None:
    settings.NEWSDESK_NEWSLETTER = {**settings.NEWSDESK_NEWSLETTER, "SIGNUPS_PER_IP": 3}
    for n in range(3):
        assert signup(client, f"reader{n}@example.org").status_code == 200
    blocked = signup(client, "reader9@example.org", json=True)
    assert blocked.status_code == 429
    assert "Too many sign-ups" in blocked.json()["message"]
    assert not Subscriber.objects.filter(email="reader9@example.org").exists()
    other_network = Client(REMOTE_ADDR="192.0.2.10")
    assert signup(other_network, "reader9@example.org").status_code == 200


def test_per_address_rate_limit_is_silent(client: Client, settings) -> None:
    settings.NEWSDESK_NEWSLETTER = {**settings.NEWSDESK_NEWSLETTER, "SIGNUPS_PER_ADDRESS": 2}
    Subscriber.objects.all().delete()
    signup(client, "ada@example.org", frequency="daily")
    signup(client, "ADA@example.org", frequency="weekly")
    third = signup(client, "ada@example.org", json=True, frequency="daily")
    assert third.json()["message"] == THANKS  # no hint that a limit was hit
    assert Subscriber.objects.get().frequency == "weekly"  # the third attempt changed nothing
    assert Consent.objects.count() == 2


def test_cross_site_post_is_refused(client: Client) -> None:
    answer = client.post(
        "/newsletter/subscribe/", {"email": "ada@example.org", "frequency": "daily"},
        HTTP_ORIGIN="https://evil.example",
    )  # fmt: skip
    assert answer.status_code == 403
    assert not Subscriber.objects.exists()


@pytest.mark.django_db(transaction=True)  # a failed statement must not poison the test's own transaction
def test_server_failure_says_something_went_wrong_and_logs(client: Client, caplog, settings) -> None:
    # The request only queues the signup (the same work for every address); break the queue for real:
    # the embedded task backend's table is gone for the length of this request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    table = "django_tasks_database_dbtaskresult"
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO newsletter_consent_away")
    try:
        with caplog.at_level(logging.ERROR, logger="newsdesk"):
            answer = signup(client, "ada@example.org")
            as_json = signup(client, "ada@example.org", json=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE newsletter_consent_away RENAME TO {table}")
    assert answer.status_code == 500
    assert "Something went wrong" in answer.content.decode()
    assert 'value="ada@example.org"' in answer.content.decode()
    assert as_json.status_code == 500
    assert "Something went wrong" in as_json.json()["message"]
    assert "Newsletter signup failed" in caplog.text
    assert "django_tasks_database_dbtaskresult" in caplog.text  # the detail is in the log, not on the page
    assert "django_tasks_database" not in answer.content.decode()


def test_confirm_get_shows_a_button_and_post_confirms_once(client: Client) -> None:
    signup(client, "ada@example.org")
    link = path(confirm_link(mail.outbox[0]))
    shown = client.get(link)
    assert shown.status_code == 200
    assert b"<button" in shown.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert client.post(link, **SAME_SITE).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.digest_cursor == subscriber.confirmed_at
    again = client.post(link, **SAME_SITE)
    assert again.status_code == 410
    assert b"already been used" in again.content
    assert client.get(link).status_code == 410


def test_expired_token_is_refused_with_a_helpful_page(client: Client) -> None:
    signup(client, "ada@example.org")
    link = path(confirm_link(mail.outbox[0]))
    token = link.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(BadToken) as caught:
        read_confirm_token(token, max_age=timedelta(seconds=-1))
    assert caught.value.expired
    # A token signed 49 hours ago:
    subscriber = Subscriber.objects.get()
    from django.core import signing

    old = signing.TimestampSigner(salt="newsdesk.newsletter.confirm")
    old_time = int((timezone.now() - timedelta(hours=49)).timestamp())
    stale = old.sign(f"{subscriber.pk}.{subscriber.confirm_nonce}")
    value, _, _ = stale.rpartition(":")
    value = value.rsplit(":", 1)[0] + ":" + signing.b62_encode(old_time)
    stale = f"{value}:{old.signature(value)}"
    answer = client.post(f"/newsletter/confirm/{stale}/", **SAME_SITE)
    assert answer.status_code == 410
    assert b"expired" in answer.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    # ...while a fresh one still works.
    assert client.post(link, **SAME_SITE).status_code == 200


def test_tampered_token_is_a_helpful_404(client: Client) -> None:
    subscriber = Subscriber.objects.create(email="ada@example.org", confirm_nonce="abc")
    token = confirm_token(subscriber.pk, "abc")
    forged = token.replace(f"{subscriber.pk}.abc", f"{subscriber.pk}.abd")
    answer = client.post(f"/newsletter/confirm/{forged}/", **SAME_SITE)
    assert answer.status_code == 404
    assert b"does not work" in answer.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_unconfirmed_signups_are_purged_after_seven_days() -> None:
    now = timezone.now()
    proof = actions.Proof("signup-v1", "x" * 32)
    old = actions.do_signup(
        "old@example.org", actions.Choices("daily"), proof, now - timedelta(days=7, minutes=1)
    )
    recent = actions.do_signup("new@example.org", actions.Choices("daily"), proof, now - timedelta(days=6))
    confirmed_subscriber("kept@example.org", since=now - timedelta(days=30))
    assert actions.do_purge_unconfirmed(now) == 1
    assert old is not None
    assert not Subscriber.objects.filter(pk=old).exists()
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"new@example.org", "kept@example.org"}
    assert recent is not None


def test_resignup_after_unsubscribing_needs_a_new_confirmation(client: Client) -> None:
    subscriber = confirmed_subscriber("ada@example.org")
    actions.do_unsubscribe(subscriber.key, actions.Proof("t", ""), timezone.now())
    signup(client, "ada@example.org")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert len(mail.outbox) == 1
