"""The List-Unsubscribe link only unsubscribes; preferences, export and delete need the separate manage link
that each mail carries, which can be rotated, and export and delete want a recent one."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from newsdesk.cli import main
from newsdesk.newsletter.models import Subscriber
from newsdesk.newsletter.tokens import manage_token

from .conftest import confirmed_subscriber, make_article, make_source

pytestmark = pytest.mark.django_db
SAME_SITE: dict[str, Any] = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _digest_links(settings) -> tuple[str, str]:
    """Send a digest; its List-Unsubscribe URL and the manage (preferences) link in its text."""
    settings.SITE_URL = "https://news.example"
    make_article(make_source("Harbour Gazette"), "Night ferry timetable doubles", stored=timezone.now())
    mail.outbox.clear()
    assert main(["newsletter", "send", "--now"]) == 0
    digest = mail.outbox[-1]
    header = re.fullmatch(r"<(.+)>", digest.extra_headers["List-Unsubscribe"])
    assert header is not None
    return _path(header.group(1)), _preferences_link(str(digest.body))


def _preferences_link(body: str) -> str:
    return _path(next(u for u in re.findall(r"https?://\S+", body) if "/preferences/" in u))


def test_the_list_unsubscribe_token_opens_nothing_but_unsubscribe(settings) -> None:
    subscriber = confirmed_subscriber("ada@example.org")
    unsubscribe, preferences = _digest_links(settings)
    token = unsubscribe.rstrip("/").rsplit("/", 1)[1]
    client = Client()
    for page in ("preferences", "export", "delete"):
        answer = client.get(f"/newsletter/{page}/{token}/")
        assert answer.status_code == 403, page
        assert b"ada@example.org" not in answer.content
        assert b"Mail me a fresh link" in answer.content
    assert client.post(f"/newsletter/delete/{token}/", **SAME_SITE).status_code == 403
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    # The mail's manage link opens them.
    assert client.get(preferences).status_code == 200
    manage = preferences.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/newsletter/export/{manage}/").status_code == 200
    # And the List-Unsubscribe URL still does its one job.
    assert client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_links_in_mail_sent_before_the_split_still_unsubscribe() -> None:
    subscriber = confirmed_subscriber("old@example.org")
    old = signing.Signer(salt="newsdesk.newsletter.manage").sign(subscriber.key)  # what old mail carries
    client = Client()
    assert client.get(f"/newsletter/preferences/{old}/").status_code == 403
    assert (
        client.post(f"/newsletter/unsubscribe/{old}/", {"List-Unsubscribe": "One-Click"}).status_code == 200
    )
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_a_fresh_link_by_mail_opens_the_pages(settings) -> None:
    subscriber = confirmed_subscriber("ben@example.org")
    old = signing.Signer(salt="newsdesk.newsletter.manage").sign(subscriber.key)
    mail.outbox.clear()
    answer = Client().post(f"/newsletter/link/{old}/", **SAME_SITE)
    assert answer.status_code == 200
    assert b"ben@example.org" not in answer.content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ben@example.org"]
    fresh = _preferences_link(str(mail.outbox[0].body))
    assert Client().get(fresh).status_code == 200


def test_export_and_delete_want_a_recent_link(settings, monkeypatch) -> None:
    settings.NEWSDESK_NEWSLETTER = {**settings.NEWSDESK_NEWSLETTER, "MANAGE_LINK_DAYS": 30}
    subscriber = confirmed_subscriber("cy@example.org")
    then = time.time() - 31 * 86400
    monkeypatch.setattr(time, "time", lambda: then)  # what django.core.signing reads
    aged = manage_token(subscriber.manage_key)
    monkeypatch.undo()
    client = Client()
    assert client.get(f"/newsletter/preferences/{aged}/").status_code == 200  # preferences: still fine
    assert client.get(f"/newsletter/export/{aged}/").status_code == 403
    assert client.post(f"/newsletter/delete/{aged}/", **SAME_SITE).status_code == 403
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    recent = manage_token(subscriber.manage_key)
    assert client.get(f"/newsletter/export/{recent}/").status_code == 200


def test_rotating_the_manage_key_revokes_every_earlier_manage_link() -> None:
    subscriber = confirmed_subscriber("di@example.org")
    earlier = manage_token(subscriber.manage_key)
    client = Client()
    mail.outbox.clear()
    answer = client.post(f"/newsletter/preferences/{earlier}/", {"action": "revoke"}, **SAME_SITE)
    assert answer.status_code == 200
    assert client.get(f"/newsletter/preferences/{earlier}/").status_code == 404  # revoked: no use at all
    assert len(mail.outbox) == 1
    fresh = _preferences_link(str(mail.outbox[0].body))
    assert client.get(fresh).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED  # the unsubscribe key did not change
