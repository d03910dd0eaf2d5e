"""Heartbeats of background processes: `beat()` from the process, `last_seen()` for whoever asks
whether a worker or the scheduler is alive."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from .clock import Clock, utcnow

ROLES = ("web", "worker", "scheduler")


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(role: str, name: str | None = None, *, clock: Clock = utcnow) -> None:
    """Record that this process (of `role`) is alive now."""
    from .models import Heartbeat

    now = clock()
    name = name or process_name()
    updated = Heartbeat.objects.filter(role=role, name=name).update(seen_at=now)
    if not updated:
        Heartbeat.objects.update_or_create(role=role, name=name, defaults={"seen_at": now, "started_at": now})


def last_seen(role: str) -> datetime | None:
    """When any process of `role` was last seen, or None if never."""
    from .models import Heartbeat

    row = Heartbeat.objects.filter(role=role).order_by("-seen_at").values_list("seen_at", flat=True)
    return row.first()


def forget_older_than(age: timedelta, *, clock: Clock = utcnow) -> int:
    """Drop rows of processes not seen for `age` (a stopped process leaves its row behind)."""
    from .models import Heartbeat

    deleted, _ = Heartbeat.objects.filter(seen_at__lt=clock() - age).delete()
    return deleted


def alive(role: str, *, within: timedelta, clock: Clock = utcnow) -> set[str]:
    """The names of the processes of `role` seen within the last `within`."""
    from .models import Heartbeat

    return set(
        Heartbeat.objects.filter(role=role, seen_at__gte=clock() - within).values_list("name", flat=True)
    )


class Beater(threading.Thread):
    """Beats for `role` every `every` seconds from a daemon thread, until stopped. A failing beat
    (the database is away) is logged and tried again next time."""

    def __init__(self, role: str, every: float, name: str | None = None) -> None:
        super().__init__(name=f"heartbeat-{role}", daemon=True)
        self.role, self.every, self.process = role, every, name or process_name()
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while True:
                try:
                    beat(self.role, self.process)
                except Exception as exc:
                    logging.getLogger(__name__).warning("Heartbeat of %s failed: %s", self.role, exc)
                    connection.close()
                if self.stopping.wait(self.every):
                    return
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
