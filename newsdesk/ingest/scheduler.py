"""The scheduler: every tick, enqueue a refresh for each due source.

A source is marked queued so that the next tick does not enqueue it again; a mark older than
STALE (a worker killed mid-task) no longer counts, so nothing is stuck forever.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.db.models import Q

from newsdesk.core.clock import Clock, utcnow
from newsdesk.sources import queries as source_queries
from newsdesk.sources.actions import do_mark_queued

log = logging.getLogger(__name__)
STALE = timedelta(minutes=15)


def enqueue_due(now: datetime) -> list[int]:
    from newsdesk.ingest.tasks import refresh_source

    not_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=now - STALE)
    due = list(source_queries.due(now).filter(not_queued).values_list("pk", flat=True))
    if due:
        do_mark_queued(due, now)
        for source_id in due:
            refresh_source.enqueue(source_id)
        log.info("Queued %d due source(s)", len(due))
    return due


@dataclass(frozen=True)
class Job:
    """Something the scheduler runs every `every` seconds, given the time."""

    name: str
    every: float
    run: Callable[[datetime], object]


def default_jobs(tick_seconds: float) -> list[Job]:
    """The periodic work of `newsdesk run`: ours, plus each app's `AppConfig.scheduled_jobs(tick)`."""
    from django.apps import apps

    jobs = [Job("enqueue due sources", tick_seconds, enqueue_due)]
    for config in apps.get_app_configs():
        extra = getattr(config, "scheduled_jobs", None)
        if extra is not None:
            jobs.extend(extra(tick_seconds))
    return jobs


class Scheduler(threading.Thread):
    """A daemon thread that runs each job when it falls due, until stopped."""

    def __init__(self, jobs: list[Job], *, clock: Clock = utcnow, resolution: float = 1.0) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.jobs = jobs
        self.clock = clock
        self.resolution = resolution
        self.stopping = threading.Event()

    def run(self) -> None:
        next_run = dict.fromkeys((job.name for job in self.jobs), 0.0)
        while not self.stopping.is_set():
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
