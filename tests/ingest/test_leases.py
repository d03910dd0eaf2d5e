"""A worker's lease on the source it refreshes: one holder at a time, renewed while held, given back at
the end, and taken over by a retry of the same task."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from newsdesk.ingest.leases import held
from newsdesk.sources.models import Source

pytestmark = pytest.mark.django_db(transaction=True)


def due_source() -> Source:
    return Source.objects.create(
        url="http://a.test/feed", name="a", next_check_at=timezone.now() - timedelta(minutes=1)
    )


def test_one_holder_at_a_time_and_released_at_the_end() -> None:
    source = due_source()
    with held(source.pk, job="one") as ours:
        assert ours
        row = Source.objects.get(pk=source.pk)
        assert row.lease_owner.endswith("/one")
        assert row.state(timezone.now()) == "fetching"
        with held(source.pk, job="two") as theirs:
            assert not theirs  # another task: left alone
    row = Source.objects.get(pk=source.pk)
    assert row.lease_owner == ""
    assert row.lease_until is None


def test_a_retry_of_the_same_task_takes_over_its_lease() -> None:
    source = due_source()
    Source.objects.filter(pk=source.pk).update(
        lease_owner="elsewhere:99:1/job-7", lease_until=timezone.now() + timedelta(minutes=5)
    )
    with held(source.pk, job="job-8") as other:
        assert not other
    with held(source.pk, job="job-7") as retry:
        assert retry


def test_a_source_that_is_not_due_is_left_alone() -> None:
    source = Source.objects.create(
        url="http://b.test/feed", name="b", next_check_at=timezone.now() + timedelta(hours=1)
    )
    with held(source.pk, job="x") as ours:
        assert not ours


@override_settings(NEWSDESK_QUEUE={"LEASE_SECONDS": 1, "QUEUED_STALE_SECONDS": 60, "HEARTBEAT_SECONDS": 5})
def test_the_lease_is_renewed_while_held() -> None:
    source = due_source()
    with held(source.pk, job="long") as ours:
        assert ours
        first = Source.objects.get(pk=source.pk).lease_until
        assert first is not None
        time.sleep(1.5)  # longer than the lease: only a renewal keeps it
        later = Source.objects.get(pk=source.pk).lease_until
        assert later is not None
        assert later > first
        assert later > timezone.now()
