"""What `newsdesk run`'s scheduler does for WebSub (collected from the app by the scheduler)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdesk.ingest.scheduler import Job

log = logging.getLogger(__name__)


def websub_tick(now: datetime) -> int:
    """Renew leases before they run out, retry failed subscriptions, time out unanswered requests."""
    from .actions import do_due

    touched = do_due(now)
    if touched:
        log.info("WebSub: %d subscription(s) renewed, retried or timed out", touched)
    return touched


def jobs(tick_seconds: float) -> list[Job]:
    from newsdesk.ingest.scheduler import Job

    return [Job("websub subscriptions", tick_seconds, websub_tick)]
