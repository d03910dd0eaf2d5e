"""Background work, as django.tasks. Tasks take ids, never model objects."""

from __future__ import annotations

import logging

from newsdesk.core.tasks import task

log = logging.getLogger(__name__)


@task()
def refresh_source(source_id: int) -> dict:
    """Check one source and store what is new. Returns the report as plain data."""
    from newsdesk.ingest.fetch import Fetcher
    from newsdesk.ingest.pipeline import Pipeline
    from newsdesk.ingest.policy import fetch_policy

    with Fetcher(fetch_policy()) as fetcher:
        report = Pipeline(fetcher)._guarded(source_id)
    if not report.ok:
        log.info("Source %s failed: %s", source_id, report.error)
    return {"source_id": source_id, "ok": report.ok, "new": report.new, "updated": report.updated}
