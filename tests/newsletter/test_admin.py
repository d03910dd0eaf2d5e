"""The admin shows subscribers (status, topics, bounces), runs, sends and the consent proof."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.newsletter.models import Consent, DigestRun, Send

from .conftest import confirmed_subscriber, make_topic

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
