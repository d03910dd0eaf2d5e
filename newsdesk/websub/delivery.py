"""Ingesting pushed bodies: the push task's loop, through the ordinary pipeline.

Bodies are ingested in the order they arrived, never replaced by a newer one: many hubs push only the
entries that are new, so a later body does not contain an earlier one. One task per source runs at a
time (`do_store_push` queues it only when none is queued), and it loops until no body waits, so a
burst of pushes costs one queued task. When bodies had to be dropped (more than MAX_WAITING waited),
the task finishes with an ordinary poll of the source, which brings whatever they held.
"""

from __future__ import annotations

import logging
from typing import Any

from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.tasks import shared_fetcher

from . import actions
from .models import Subscription

log = logging.getLogger(__name__)


def ingest_waiting(subscription_id: int) -> dict[str, Any]:
    source_id = Subscription.objects.filter(pk=subscription_id).values_list("source_id", flat=True).first()
    done = {"subscription": subscription_id, "bodies": 0, "new": 0, "updated": 0, "polled": False}
    if source_id is None:
        return done
    pipeline = Pipeline(shared_fetcher())
    while True:
        push, overflowed = actions.do_next_push(subscription_id)
        if push is None:
            if overflowed:
                pipeline.refresh_guarded(source_id)
                done["polled"] = True
            return done
        error = ""
        try:
            report = pipeline.ingest_pushed(source_id, bytes(push.body), push.content_type)
        except Exception as exc:  # one bad body must not stop the source's later pushes
            log.exception("Could not ingest a push for source %s", source_id)
            error = f"A pushed body could not be ingested ({type(exc).__name__})."
        else:
            done["new"] += report.new
            done["updated"] += report.updated
            if not report.ok:
                error = f"A pushed body could not be read: {report.error}"
        done["bodies"] += 1
        actions.do_forget_push(push.pk, error)
