"""The WebSub job on `newsdesk run`'s scheduler, and what it does for a push task that was lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from newsdesk.core.clock import utcnow
from newsdesk.ingest.scheduler import default_jobs
from newsdesk.sources.models import Source
from newsdesk.websub.actions import do_mark_removed
from newsdesk.websub.jobs import websub_tick
from newsdesk.websub.models import Subscription

pytestmark = pytest.mark.django_db
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _subscription(**fields: object) -> Subscription:
    source = Source.objects.create(url="http://127.0.0.1:9/feed.xml", name="Quay Times")
    values = {"hub": "http://127.0.0.1:9/hub/", "topic": source.url, "token": "t0ken", "secret": "s3cret"}
    return Subscription.objects.create(source=source, **{**values, **fields})


def test_the_scheduler_runs_the_websub_job_every_tick() -> None:
    jobs = {job.name: job for job in default_jobs(15)}
    assert jobs["websub subscriptions"].every == 15
    assert jobs["websub subscriptions"].run is websub_tick


@override_settings(TASKS=QUEUED)
def test_a_push_task_lost_with_its_worker_is_queued_again(django_capture_on_commit_callbacks) -> None:
    now = utcnow()
    sub = _subscription(state=Subscription.ACTIVE, push_queued_at=now - timedelta(minutes=10))
    assert websub_tick(now) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert websub_tick(now + timedelta(minutes=6)) == 1
    assert [r.task_path.rsplit(".", 1)[1] for r in DBTaskResult.objects.all()] == ["ingest_pushes"]
    assert Subscription.objects.get(pk=sub.pk).push_queued_at == now + timedelta(minutes=6)


@override_settings(TASKS=QUEUED)
def test_a_removed_source_with_a_failed_subscription_is_just_forgotten(
    django_capture_on_commit_callbacks,
) -> None:
    sub = _subscription(state=Subscription.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        do_mark_removed(sub.source_id, utcnow())
    assert not Subscription.objects.exists()
    assert not DBTaskResult.objects.exists()  # the hub never confirmed: nothing to unsubscribe


@override_settings(TASKS=QUEUED)
def test_an_unsubscription_the_hub_never_confirms_is_dropped() -> None:
    sub = _subscription(state=Subscription.ACTIVE)
    Source.objects.filter(pk=sub.source_id).delete()
    now = utcnow()
    do_mark_removed(sub.source_id, now)
    assert Subscription.objects.get(pk=sub.pk).pending_mode == "unsubscribe"
    assert websub_tick(now + timedelta(minutes=16)) == 1
    assert not Subscription.objects.exists()
