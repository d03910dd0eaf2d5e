"""Claims on a digest run's batches: each batch to one worker at a time, taken over after its lease."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.newsletter import actions
from newsdesk.newsletter.models import DigestBatch
from newsdesk.newsletter.stories import members

from .conftest import confirmed_subscriber

LEASE = timedelta(seconds=60)


def _run_with_batches(count: int, size: int):
    now = timezone.now()
    for n in range(count):
        confirmed_subscriber(f"reader{n:02d}@example.org", since=now - timedelta(days=1))
    run = actions.do_start_run(now, forced=True)
    assert actions.do_plan_batches(run, size) == -(-count // size)
    assert actions.do_plan_batches(run, size) == 0  # once per run
    return run, now


@pytest.mark.django_db
def test_batches_cover_every_subscriber_once() -> None:
    run, _now = _run_with_batches(23, 5)
    ranges = list(DigestBatch.objects.filter(run=run).values_list("first_id", "last_id"))
    ids = sorted(members(run).values_list("pk", flat=True))
    covered = [i for i in ids if any(a <= i <= b for a, b in ranges)]
    assert covered == ids
    assert all(b < a2 for (_a, b), (a2, _b2) in itertools.pairwise(ranges))


@pytest.mark.django_db
def test_a_held_batch_is_not_claimed_again_until_its_lease_runs_out() -> None:
    run, now = _run_with_batches(10, 5)
    first = actions.do_claim_batch(run.pk, "a", now, LEASE)
    second = actions.do_claim_batch(run.pk, "b", now, LEASE)
    assert first is not None
    assert second is not None
    assert first.pk != second.pk
    assert actions.do_claim_batch(run.pk, "c", now, LEASE) is None  # both held
    later = now + LEASE + timedelta(seconds=1)
    taken = actions.do_claim_batch(run.pk, "c", later, LEASE)
    assert taken is not None
    assert taken.pk == first.pk
    assert DigestBatch.objects.get(pk=first.pk).claims == 2
    # "a" comes back to life: its renewal fails, so it stops sending that batch.
    assert not actions.do_renew_batch(first.pk, "a", later + LEASE)
    assert actions.do_renew_batch(first.pk, "c", later + LEASE)
    assert actions.do_finish_batch(first.pk, "c")
    assert actions.do_finish_batch(second.pk, "b")
    assert actions.do_finish_run_when_done(run.pk, later)


@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_never_share_a_batch() -> None:
    run, now = _run_with_batches(40, 2)
    got: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def claimer(name: str) -> None:
        mine = got.setdefault(name, [])
        start.wait()
        try:
            while (batch := actions.do_claim_batch(run.pk, name, now, LEASE)) is not None:
                mine.append(batch.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    claimed = [pk for pks in got.values() for pk in pks]
    assert sorted(claimed) == sorted(DigestBatch.objects.filter(run=run).values_list("pk", flat=True))
    assert len(claimed) == len(set(claimed)) == 20
