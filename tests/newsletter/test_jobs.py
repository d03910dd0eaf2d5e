"""`newsdesk run`'s scheduler picks up the newsletter's job, which purges and queues due runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.ingest.scheduler import default_jobs
from newsdesk.newsletter.jobs import newsletter_tick
from newsdesk.newsletter.models import DigestRun, Subscriber

from .conftest import confirmed_subscriber, make_article, make_source

pytestmark = pytest.mark.django_db


def test_default_jobs_collects_the_newsletter_job(settings) -> None:
    settings.NEWSDESK_NEWSLETTER = {**settings.NEWSDESK_NEWSLETTER, "CHECK_SECONDS": 123}
    jobs = {job.name: job for job in default_jobs(15)}
    assert "enqueue due sources" in jobs
    assert jobs["newsletter digests"].every == 123


def test_tick_sends_due_digests_through_the_task_and_purges(smtp) -> None:
    now = timezone.now()
    make_article(make_source(), "Tide tables printed again", stored=now - timedelta(hours=1))
    confirmed_subscriber("due@example.org", since=now - timedelta(days=1, hours=2))
    not_due = confirmed_subscriber("later@example.org", since=now - timedelta(hours=2))
    Subscriber.objects.create(email="stale@example.org", pending_since=now - timedelta(days=8))
    assert newsletter_tick(now) is True  # the immediate task backend runs the digest here
    assert [m.rcpt_tos for m in smtp.messages] == [["due@example.org"]]
    assert not Subscriber.objects.filter(email="stale@example.org").exists()
    assert DigestRun.objects.get().finished_at is not None
    assert Subscriber.objects.get(pk=not_due.pk).last_digest_at is None
    assert newsletter_tick(now) is False  # nothing due any more


def test_deploy_check_wants_an_https_site_url(settings) -> None:
    from newsdesk.newsletter.checks import site_url_is_https

    settings.SITE_URL = "http://news.example"
    assert [m.id for m in site_url_is_https()] == ["newsletter.W001"]
    settings.SITE_URL = "https://news.example"
    assert site_url_is_https() == []
