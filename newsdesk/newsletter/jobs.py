"""What `newsdesk run` does for the newsletter on its schedule (collected by the scheduler from apps)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from .conf import conf

if TYPE_CHECKING:
    from newsdesk.ingest.scheduler import Job

log = logging.getLogger(__name__)


def newsletter_tick(now: datetime) -> bool:
    """Forget stale unconfirmed signups, and queue a digest run when one is due (one task per sender
    allowed, so several workers share it). True if queued."""
    from . import actions
    from .models import DigestRun, Subscriber
    from .tasks import send_due_digests

    purged = actions.do_purge_unconfirmed(now)
    if purged:
        log.info("Forgot %d signup(s) left unconfirmed for seven days", purged)
    due = (
        DigestRun.objects.filter(finished_at__isnull=True).exists()
        or Subscriber.objects.receiving().filter(next_digest_at__lte=now).exists()
    )
    if due:
        for _ in range(conf().senders):
            send_due_digests.enqueue()
    return due


def jobs(tick_seconds: float) -> list[Job]:
    from newsdesk.ingest.scheduler import Job

    return [Job("newsletter digests", conf().check_seconds, newsletter_tick)]
