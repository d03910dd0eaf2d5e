"""A worker's lease on a source while it refreshes it (docs/decisions/0018-scale-out.md).

`held(source_id)` claims the lease (one UPDATE on the source row), renews it from a thread every
third of its length while the refresh runs, and gives it back at the end. A worker killed mid-refresh
renews nothing: its lease runs out after NEWSDESK_LEASE_SECONDS, and the scheduler queues the source
again at its next tick.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from newsdesk.core.clock import Clock, utcnow
from newsdesk.core.heartbeats import process_name
from newsdesk.sources import actions as source_actions

log = logging.getLogger(__name__)


def lease_length() -> timedelta:
    return timedelta(seconds=settings.NEWSDESK_QUEUE["LEASE_SECONDS"])


class Renewer(threading.Thread):
    """Calls `renew(until)` every third of the lease's length, `until` being a lease's length from now,
    until stopped or until `renew` answers False (the lease is no longer ours)."""

    def __init__(self, name: str, renew: Callable[[datetime], bool], clock: Clock) -> None:
        super().__init__(name=name, daemon=True)
        self.renew, self.clock = renew, clock
        self.stopping = threading.Event()

    def run(self) -> None:
        every = max(0.5, lease_length().total_seconds() / 3)
        try:
            while not self.stopping.wait(every):
                try:
                    if not self.renew(self.clock() + lease_length()):
                        log.warning("Lost a lease (%s)", self.name)
                        return
                except Exception:
                    log.exception("Could not renew a lease (%s)", self.name)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)


@contextmanager
def held(source_id: int, *, job: str = "", clock: Clock = utcnow) -> Iterator[bool]:
    """Yields True with the lease held (and renewed) for the block, or False when the source is not
    due or another worker holds it: the caller then leaves it alone. `job` (the task's id) lets a
    retry of the same task take over the lease its killed first attempt left behind."""
    owner = f"{process_name()}:{threading.get_ident()}/{job}"
    now = clock()
    if not source_actions.do_claim_lease(source_id, owner, now=now, until=now + lease_length(), job=job):
        yield False
        return

    def renew(until: datetime) -> bool:
        return source_actions.do_renew_lease(source_id, owner, until=until)

    renewer = Renewer(f"lease-{source_id}", renew, clock)
    renewer.start()
    try:
        yield True
    finally:
        renewer.stop()
        source_actions.do_release_lease(source_id, owner)
