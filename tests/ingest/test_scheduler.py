"""The scheduler enqueues each due source once, and a stale mark does not block it forever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from newsdesk.core import counters
from newsdesk.ingest.scheduler import Job, Scheduler, chunks, enqueue_due, queued_stale
from newsdesk.sources.models import Source

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def dummy() -> DummyBackend:
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    return backend


def enqueued_ids() -> list[int]:
    return [source_id for result in dummy().results for source_id in result.args[0]]


@override_settings(TASKS=DUMMY)
def test_enqueues_due_sources_once() -> None:
    now = timezone.now()
    due = Source.objects.create(url="http://a.test/feed", name="a", next_check_at=now - timedelta(minutes=1))
    Source.objects.create(url="http://b.test/feed", name="b", next_check_at=now + timedelta(hours=1))
    Source.objects.create(url="http://c.test/feed", name="c", next_check_at=now, is_active=False)
    dummy().clear()

    assert enqueue_due(now) == [due.pk]
    assert enqueued_ids() == [due.pk]
    assert enqueue_due(now + timedelta(seconds=30)) == []  # already queued
    stale = now + queued_stale() + timedelta(seconds=1)
    assert enqueue_due(stale) == []  # queued a while ago, but its task is still in the queue
    dummy().clear()  # the queue lost it (a Redis that restarted empty)
    assert enqueue_due(stale) == [due.pk]
    assert enqueued_ids() == [due.pk]
    assert counters.value("tasks.requeued_lost") == 1


@override_settings(TASKS=DUMMY)
def test_due_sources_go_in_chunks_each_waiting_for_its_own_task() -> None:
    now = timezone.now()
    ids = [
        Source.objects.create(url=f"http://s{n}.test/feed", name=f"s{n}", next_check_at=now).pk
        for n in range(60)
    ]
    dummy().clear()
    assert sorted(enqueue_due(now)) == ids
    batches = [result.args[0] for result in dummy().results]
    assert [len(batch) for batch in batches] == [8] * 7 + [4]  # 8 tasks at least, so every worker gets some
    assert sorted(enqueued_ids()) == ids  # each source in one chunk only
    task_of = dict(Source.objects.values_list("pk", "queued_task"))
    for result, batch in zip(dummy().results, batches, strict=True):
        assert {task_of[source_id] for source_id in batch} == {str(result.id)}


def test_chunks_are_at_most_the_batch_size_and_spread_over_workers() -> None:
    assert chunks([], 25) == []
    assert chunks([1, 2, 3], 25) == [[1], [2], [3]]
    assert [len(c) for c in chunks(list(range(1000)), 25)] == [25] * 40
    assert [len(c) for c in chunks(list(range(30)), 25)] == [4] * 7 + [2]


def test_scheduler_runs_each_job_on_its_own_interval() -> None:
    calls: dict[str, int] = {"fast": 0, "slow": 0}
    jobs = [
        Job("fast", 0.05, lambda now: calls.__setitem__("fast", calls["fast"] + 1)),
        Job("slow", 60, lambda now: calls.__setitem__("slow", calls["slow"] + 1)),
        Job("broken", 0.05, lambda now: 1 / 0),
    ]
    scheduler = Scheduler(jobs, resolution=0.01)
    scheduler.start()
    try:
        deadline = timezone.now() + timedelta(seconds=5)
        while calls["fast"] < 5 and timezone.now() < deadline:
            scheduler.stopping.wait(0.02)
    finally:
        scheduler.stop()
        scheduler.join(timeout=5)
    assert calls["fast"] >= 5  # a failing job does not stop the others
    assert calls["slow"] == 1
    assert not scheduler.is_alive()


FAILING = {"default": {"BACKEND": "tests.ingest.test_scheduler.RefusingBackend"}}


class RefusingBackend(DummyBackend):
    """A queue that is down: every enqueue raises."""

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("Connection refused")


@override_settings(TASKS=FAILING)
def test_a_failed_enqueue_leaves_nothing_marked_and_is_counted(caplog: pytest.LogCaptureFixture) -> None:
    now = timezone.now()
    source = Source.objects.create(
        url="http://a.test/feed", name="a", next_check_at=now - timedelta(minutes=1)
    )
    with caplog.at_level("ERROR", logger="newsdesk.ingest.scheduler"):
        assert enqueue_due(now) == []
    source.refresh_from_db()
    assert source.queued_at is None
    assert counters.value("tasks.enqueue_failed") == 1
    assert "could not be enqueued" in caplog.text


@override_settings(TASKS=DUMMY)
def test_a_leased_source_is_not_queued_and_an_expired_lease_is_queued_again() -> None:
    from newsdesk.sources.actions import do_claim_lease

    now = timezone.now()
    source = Source.objects.create(
        url="http://a.test/feed", name="a", next_check_at=now - timedelta(minutes=1)
    )
    dummy().clear()
    assert do_claim_lease(source.pk, "w:1", now=now, until=now + timedelta(seconds=60))
    assert not do_claim_lease(source.pk, "w:2", now=now, until=now + timedelta(seconds=60))
    source.refresh_from_db()
    assert source.state(now) == "fetching"
    assert enqueue_due(now + timedelta(seconds=30)) == []
    # The worker was killed: its lease runs out, the source looks cut off and is queued again.
    later = now + timedelta(seconds=61)
    assert source.state(later) == "interrupted"
    assert enqueue_due(later) == [source.pk]
    assert counters.value("sources.requeued_after_lease") == 1


QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=QUEUED, NEWSDESK_QUEUE={"HEARTBEAT_SECONDS": 1, "BATCH_SOURCES": 25})
def test_only_a_task_its_worker_had_time_to_report_on_is_queued_again() -> None:
    """A dead worker's task goes back to the queue; one a worker took a moment ago stays with it, even
    before that worker's first heartbeat: running it twice would let the copy take the leases over."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from newsdesk.core.heartbeats import beat
    from newsdesk.ingest.scheduler import requeue_dead_workers_tasks
    from newsdesk.ingest.tasks import refresh_sources

    now = timezone.now()
    beat("worker", "host:alive", clock=lambda: now)
    rows = {}
    for name, worker, started in [
        ("dead", "host:gone", now - timedelta(seconds=10)),
        ("alive", "host:alive", now - timedelta(seconds=10)),
        ("just taken", "host:new", now - timedelta(seconds=1)),
    ]:
        result = refresh_sources.enqueue([1])
        DBTaskResult.objects.filter(pk=result.id).update(
            status=TaskResultStatus.RUNNING, worker_ids=[worker], started_at=started
        )
        rows[name] = result.id

    assert requeue_dead_workers_tasks(now) == 1
    status = {str(pk): value for pk, value in DBTaskResult.objects.values_list("pk", "status")}
    assert {name: status[pk] for name, pk in rows.items()} == {
        "dead": TaskResultStatus.READY,
        "alive": TaskResultStatus.RUNNING,
        "just taken": TaskResultStatus.RUNNING,
    }
    # Once the window (three heartbeats) has passed without a beat, each worker's task goes back too.
    assert requeue_dead_workers_tasks(now + timedelta(seconds=1.5)) == 0
    assert requeue_dead_workers_tasks(now + timedelta(seconds=4)) == 2
    assert counters.value("tasks.requeued") == 3


def test_a_beating_process_is_seen_before_start_returns() -> None:
    """A worker takes no task before it is known to be alive: the first beat is recorded by start()
    itself, not left to its thread (told to stop before it starts here, so that it beats nothing)."""
    from newsdesk.core.heartbeats import Beating, alive

    beating = Beating("worker", every=60)
    beating.stopping.set()
    assert alive("worker", within=timedelta(seconds=5)) == set()
    beating.start()
    beating.thread.join(5)
    assert len(alive("worker", within=timedelta(seconds=5))) == 1
