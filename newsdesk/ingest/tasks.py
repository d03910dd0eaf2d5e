"""Background work, as django.tasks. Tasks take ids, never model objects."""

from __future__ import annotations

import logging
import threading
from typing import Any

from newsdesk.core.tasks import task
from newsdesk.ingest.stages.fetch import Fetcher

log = logging.getLogger(__name__)
_fetcher: Fetcher | None = None
_fetcher_lock = threading.Lock()


def shared_fetcher() -> Fetcher:
    """One Fetcher per worker process: its connection pool and robots.txt cache outlive a task."""
    global _fetcher
    with _fetcher_lock:
        if _fetcher is None:
            from newsdesk.ingest.policy import fetch_policy

            _fetcher = Fetcher(fetch_policy())
        return _fetcher


@task(takes_context=True)
def refresh_sources(context: Any, source_ids: list[int]) -> dict[str, Any]:
    """Check several due sources, a few at a time, each under its own lease (newsdesk/ingest/batch.py).
    Returns the counts as plain data."""
    from django.conf import settings

    from newsdesk.ingest.batch import refresh_batch
    from newsdesk.ingest.pipeline import Pipeline

    batch = refresh_batch(
        [int(source_id) for source_id in source_ids],
        job=str(context.task_result.id),
        refresh=Pipeline(shared_fetcher()).refresh_leased,
        threads=max(1, settings.NEWSDESK_QUEUE.get("BATCH_THREADS", 8)),
    )
    if batch.failed:
        log.info("%d of %d source(s) failed: %s", batch.failed, batch.sources, "; ".join(batch.errors))
    return batch.as_dict()


@task(takes_context=True)
def refresh_source(context: Any, source_id: int) -> dict[str, Any]:
    """Check one source and store what is new, under the source's lease. Returns the report as plain data.
    (The scheduler enqueues `refresh_sources`; this one stays for tasks already queued, and callers.)"""
    from newsdesk.ingest.leases import held
    from newsdesk.ingest.pipeline import Pipeline

    with held(source_id, job=str(context.task_result.id)) as ours:
        if not ours:
            # Another worker has it, or it was refreshed since it was queued (a task queued twice).
            log.info("Source %s is not due or is being refreshed elsewhere; skipped", source_id)
            return {"source_id": source_id, "ok": True, "new": 0, "updated": 0, "skipped": True}
        report = Pipeline(shared_fetcher()).refresh_guarded(source_id)
    if not report.ok:
        log.info("Source %s failed: %s", source_id, report.error)
    return {"source_id": source_id, "ok": report.ok, "new": report.new, "updated": report.updated}
