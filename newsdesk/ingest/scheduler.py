"""The scheduler: every tick, enqueue a refresh of the due sources, in chunks (newsdesk/ingest/batch.py).

A source is marked queued so that the next tick does not enqueue it again. The mark is cleared when a
worker takes the source's lease (newsdesk/ingest/leases.py), so a source whose worker was killed is
queued again once its lease runs out. A mark older than QUEUED_STALE_SECONDS is checked against the
queue: the source is queued again if its task is no longer there (lost with a Redis that restarted
empty). When the queue refuses a task, the mark is taken back at once.

Only one scheduler is active at a time (newsdesk/ingest/election.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q

from newsdesk.core import counters
from newsdesk.core.clock import Clock, utcnow
from newsdesk.sources import queries as source_queries
from newsdesk.sources.actions import do_mark_queued, do_note_queued_tasks, do_unmark_queued

log = logging.getLogger(__name__)


def queued_stale() -> timedelta:
    return timedelta(seconds=settings.NEWSDESK_QUEUE["QUEUED_STALE_SECONDS"])


def _still_waiting(task_id: str) -> bool:
    """Whether the queue still holds this task, waiting or running (False: it was lost)."""
    from django_tasks import task_backends
    from django_tasks.base import TaskResultStatus

    if not task_id:
        return False
    try:
        status = task_backends["default"].get_result(task_id).status
    except Exception:  # gone from the queue (a Redis that restarted empty), or the queue is away
        return False
    return status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def chunks(ids: list[int], most: int, spread: int = 8) -> list[list[int]]:
    """`ids` in chunks of at most `most`, and small enough that there are `spread` of them when there
    are that many ids, so that a few due sources still go to several workers."""
    size = max(1, min(most, -(-len(ids) // spread)))
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def enqueue_due(now: datetime) -> list[int]:
    """Enqueue every due source that is neither queued nor leased, in chunks; the ids enqueued."""
    from newsdesk.ingest.tasks import refresh_sources

    not_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=now - queued_stale())
    not_leased = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    candidates = source_queries.due(now).filter(not_queued, not_leased).values_list("pk", "queued_task")
    # A source queued a while ago is queued again only if its task is no longer in the queue.
    due = [pk for pk, task_id in candidates if not _still_waiting(task_id)]
    if not due:
        return []
    lost = source_queries.marked_queued(due)
    do_mark_queued(due, now)
    enqueued: dict[int, str] = {}
    failed: list[int] = []
    interrupted = source_queries.interrupted(due)
    batches = chunks(due, max(1, settings.NEWSDESK_QUEUE.get("BATCH_SOURCES", 25)))
    for position, batch in enumerate(batches):
        try:
            result = refresh_sources.enqueue(batch)
        except Exception as exc:
            # The queue is down: the rest would fail the same way.
            failed = [source_id for rest in batches[position:] for source_id in rest]
            log.error("Could not enqueue the refresh of source(s) %s: %s", batch, exc)
            break
        enqueued.update(dict.fromkeys(batch, str(result.id)))
    if enqueued:
        do_note_queued_tasks(enqueued)
        log.info("Queued %d due source(s)", len(enqueued))
    if interrupted:
        counters.add("sources.requeued_after_lease", len(set(interrupted) & set(enqueued)))
    if lost:
        counters.add("tasks.requeued_lost", len(set(lost) & set(enqueued)))
        log.warning("Queued again %d source(s) whose task was lost from the queue", len(lost))
    if failed:
        do_unmark_queued(failed, now)
        counters.add("tasks.enqueue_failed", len(failed))
        log.error("%d source refresh(es) could not be enqueued; they are due again next tick", len(failed))
    return list(enqueued)


def requeue_dead_workers_tasks(now: datetime) -> int:
    """The database backend: a task row left RUNNING by a worker that stopped beating is made READY
    again (and counted), so another worker runs it. RQ: its own clean-up of abandoned jobs, now."""
    from django_tasks import task_backends
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from newsdesk.core.heartbeats import alive

    backend = task_backends["default"]
    if type(backend).__module__.startswith("django_tasks_rq"):
        from newsdesk.core.queue import requeue_abandoned

        found = requeue_abandoned()
        if found:
            counters.add("tasks.requeued", found)
            log.warning(
                "RQ found %d abandoned job(s) of dead workers; queued again if retries were left", found
            )
        return found
    if not isinstance(backend, DatabaseBackend):
        return 0
    window = timedelta(seconds=settings.NEWSDESK_QUEUE["HEARTBEAT_SECONDS"]) * 3
    living = alive("worker", within=window, clock=lambda: now)
    # A row taken within the window is left to its worker: one that has just started may not have
    # been seen yet, and running its task twice would let the copy take over the sources' leases.
    running = DBTaskResult.objects.filter(
        Q(started_at__isnull=True) | Q(started_at__lt=now - window), status=TaskResultStatus.RUNNING
    )
    orphans = [
        row.pk
        for row in running.only("pk", "worker_ids")
        if not row.worker_ids or row.worker_ids[-1] not in living
    ]
    if not orphans:
        return 0
    requeued = DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
    counters.add("tasks.requeued", requeued)
    log.warning("Queued again %d task(s) of worker(s) that stopped", requeued)
    return requeued


@dataclass(frozen=True)
class Job:
    """Something the scheduler runs every `every` seconds, given the time."""

    name: str
    every: float
    run: Callable[[datetime], object]


def default_jobs(tick_seconds: float) -> list[Job]:
    """The periodic work of `newsdesk run`: ours, plus each app's `AppConfig.scheduled_jobs(tick)`."""
    from django.apps import apps

    jobs = [
        Job("enqueue due sources", tick_seconds, enqueue_due),
        Job("requeue tasks of dead workers", tick_seconds, requeue_dead_workers_tasks),
    ]
    for config in apps.get_app_configs():
        extra = getattr(config, "scheduled_jobs", None)
        if extra is not None:
            jobs.extend(extra(tick_seconds))
    return jobs


class Scheduler(threading.Thread):
    """A daemon thread that runs each job when it falls due, until stopped."""

    def __init__(
        self,
        jobs: list[Job],
        *,
        clock: Clock = utcnow,
        resolution: float = 1.0,
        gate: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.jobs = jobs
        self.clock = clock
        self.resolution = resolution
        # Asked before each round: False while another scheduler is the active one.
        self.gate = gate
        self.stopping = threading.Event()

    def run(self) -> None:
        next_run = dict.fromkeys((job.name for job in self.jobs), 0.0)
        while not self.stopping.is_set():
            if self.gate is not None and not self.gate():
                # A standby runs everything as soon as it becomes the active one.
                next_run = dict.fromkeys(next_run, 0.0)
                self.stopping.wait(self.resolution)
                continue
            for job in self.jobs:
                if time.monotonic() < next_run[job.name]:
                    continue
                next_run[job.name] = time.monotonic() + job.every
                close_old_connections()
                try:
                    job.run(self.clock())
                except Exception:
                    log.exception("Scheduled job %r failed; it runs again next time", job.name)
            self.stopping.wait(self.resolution)

    def stop(self) -> None:
        self.stopping.set()
