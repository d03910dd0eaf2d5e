"""Heartbeats of background processes: `beat()` from the process, `last_seen()` for whoever asks
whether a worker or the scheduler is alive."""

from __future__ import annotations

import os
import socket
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


class Beating:
    """A daemon thread that calls `beat(role)` every `every` seconds until stopped (used by `newsdesk
    worker`: its worker loop and its scheduler each report that they are alive)."""

    def __init__(self, role: str, every: float = 30.0) -> None:
        import threading

        self.role = role
        self.every = every
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{role}", daemon=True)

    def _run(self) -> None:
        import logging

        from django.db import close_old_connections, connection

        while not self.stopping.is_set():
            close_old_connections()
            try:
                beat(self.role)
            except Exception as exc:  # a database blip must not stop the process it reports on
                logging.getLogger(__name__).warning("Could not record the %s heartbeat: %s", self.role, exc)
            self.stopping.wait(self.every)
        connection.close()

    def start(self) -> Beating:
        """The first beat here, before the caller goes on (a worker takes no task before it is known to
        be alive: the scheduler queues again the tasks of a worker it has not seen), then the thread."""
        try:
            beat(self.role)
        except Exception as exc:  # the thread tries again; the process it reports on still starts
            import logging

            logging.getLogger(__name__).warning("Could not record the %s heartbeat: %s", self.role, exc)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
