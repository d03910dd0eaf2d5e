"""Several due sources in one task (docs/decisions/0018-scale-out.md, "Batches").

The scheduler enqueues due sources in chunks, so that the queue's own cost of a task (its row or job,
the claim, the result, the task signals' tallies) is paid once per chunk rather than once per feed. A
worker refreshes a chunk's sources a few at a time over its process's Fetcher, each under its own
lease, exactly as a one-source task would. On PostgreSQL the chunk's leases are claimed together, in
one UPDATE ... RETURNING that also reads the rows, for one owner (the task's process, thread and
job); each source's 304 or success gives its own lease back, and the chunk gives back at its end any
lease whose turn never came. A worker killed mid-chunk leaves those leases to run out
(NEWSDESK_LEASE_SECONDS), after which the scheduler queues the sources again, or the task's retry
(same job) takes them back. On SQLite the lease is claimed (one UPDATE) when the source's turn comes.
One thread renews every lease the task holds, with one UPDATE. The day's check counts
of the chunk's sources are written once, at its end (a worker killed mid-chunk loses the counts of
the checks it made, never a check's record). Likewise the sources whose check answered 304 are told
to the listeners (`feeds_not_modified`: WebSub's hold on a subscribed source's polling) once, at the
chunk's end; a worker killed mid-chunk loses that hold for the 304s it made, so those sources are
polled at their own rhythm once more (one extra poll), never less.

The helper threads belong to the process, not to the task: they outlive it with their database
connections, so a chunk does not open (and the database does not start a backend for) a connection
per thread; each helper checks its connection once per chunk, not once per source.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from django.db import DatabaseError, close_old_connections, connection

from newsdesk.core.clock import Clock, utcnow
from newsdesk.core.heartbeats import process_name
from newsdesk.sources import actions as source_actions
from newsdesk.sources import hot
from newsdesk.sources.models import Source

from .leases import Renewer, lease_length
from .report import SourceReport
from .signals import feeds_not_modified

log = logging.getLogger(__name__)
_helpers: ThreadPoolExecutor | None = None
_helpers_lock = threading.Lock()
# Idle helper threads wait in the pool; there are never more than this many in a process.
MOST_HELPERS = 64


def helpers() -> ThreadPoolExecutor:
    """The process's helper threads for chunks (made as needed, reused across tasks)."""
    global _helpers
    with _helpers_lock:
        if _helpers is None:
            _helpers = ThreadPoolExecutor(max_workers=MOST_HELPERS, thread_name_prefix="batch")
        return _helpers


def stop_helpers() -> None:
    """Close every helper's database connection and end the helpers (tests, before the database goes)."""
    global _helpers
    with _helpers_lock:
        pool, _helpers = _helpers, None
    if pool is None:
        return
    count = len(pool._threads)
    if count:
        # Each helper takes exactly one of these: none returns before all of them have started.
        everyone = threading.Barrier(count, timeout=30)

        def close() -> None:
            everyone.wait()
            connection.close()

        for done in [pool.submit(close) for _ in range(count)]:
            done.result()
    pool.shutdown(wait=True)


class Refresh(Protocol):
    """Check one source whose lease `owner` holds, and give the lease back; `source` is the row the
    claim read (the pipeline's `Pipeline.refresh_leased`)."""

    def __call__(self, source_id: int, owner: str, source: Source | None, /) -> SourceReport: ...


@dataclass
class BatchReport:
    """What a chunk of sources came to, as counts."""

    sources: int = 0
    skipped: int = 0
    failed: int = 0
    not_modified: int = 0
    new: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, report: SourceReport | None) -> None:
        if report is None:
            self.skipped += 1
            return
        self.not_modified += report.not_modified
        self.new += report.new
        self.updated += report.updated
        if not report.ok:
            self.failed += 1
            if len(self.errors) < 5:
                self.errors.append(f"{report.source_id}: {report.error}")

    def as_dict(self) -> dict[str, object]:
        return {
            "sources": self.sources,
            "skipped": self.skipped,
            "failed": self.failed,
            "not_modified": self.not_modified,
            "new": self.new,
            "updated": self.updated,
            "errors": self.errors,
        }


def refresh_batch(
    source_ids: list[int],
    *,
    job: str,
    refresh: Refresh,
    threads: int,
    clock: Clock = utcnow,
) -> BatchReport:
    """Refresh each source under its own lease, `threads` at a time. `refresh(source_id, owner, row)`
    checks one source whose lease `owner` holds, and gives the lease back (`Pipeline.refresh_leased`);
    the claim and the read of the source's row are one statement."""
    batch = BatchReport(sources=len(source_ids))
    counts = hot.Counts()  # the chunk's check counts, written once at its end
    lock = threading.Lock()
    chunk_owner = f"{process_name()}:{threading.get_ident()}/{job}"
    ahead = _claim_ahead(source_ids, chunk_owner, job, clock)
    if ahead is not None:
        batch.skipped = len(source_ids) - len(ahead)
        if batch.skipped:
            log.info("%d source(s) not due or being refreshed elsewhere; skipped", batch.skipped)
    pending: Iterator[int] = iter(source_ids if ahead is None else [i for i in source_ids if i in ahead])

    def one(source_id: int, again: bool = False) -> SourceReport | None:
        if ahead is not None and not again:
            return refresh(source_id, chunk_owner, ahead[source_id])
        owner = chunk_owner if ahead is not None else f"{process_name()}:{threading.get_ident()}/{job}"
        now = clock()
        claimed = source_actions.do_claim_lease_and_read(
            source_id, owner, now=now, until=now + lease_length(), job=job
        )
        if claimed is None:
            # Another worker has it, or it was refreshed since it was queued (a chunk queued twice).
            log.info("Source %s is not due or is being refreshed elsewhere; skipped", source_id)
            return None
        return refresh(source_id, owner, claimed)

    def one_again_on_a_new_connection(source_id: int) -> SourceReport | None:
        """`one(source_id)`; when the database dropped this thread's connection (a restart, a failover,
        `pg_terminate_backend`), once more on a new one. The job's own lease lets the second try take
        the source back; a source already recorded is no longer due and is skipped."""
        try:
            return one(source_id)
        except DatabaseError as error:
            if connection.in_atomic_block:
                raise
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            log.warning("Source %s: the connection failed (%s); trying on a new one", source_id, reason)
            connection.close()
            return one(source_id, again=True)

    def drain(helper: bool) -> None:
        if helper:
            close_old_connections()  # a helper's connection may have aged or broken since its last chunk
        with hot.counting(counts):
            while True:
                with lock:
                    source_id = next(pending, None)
                if source_id is None:
                    return
                report = one_again_on_a_new_connection(source_id)
                with lock:
                    batch.add(report)

    # One thread renews every lease the task holds; a count of 0 (none held at the moment) is no loss.
    renewer = Renewer(
        f"leases-{job[:8]}",
        lambda until: source_actions.do_renew_job_leases(source_ids, job, until=until) >= 0,
        clock,
    )
    renewer.start()
    try:
        pool = helpers()
        helping = [pool.submit(drain, True) for _ in range(min(threads, len(source_ids)) - 1)]
        drain(False)  # the task's own thread takes its share, on its own connection
        for helper in helping:
            if error := helper.exception():
                log.error("A helper of the chunk stopped", exc_info=error)
    finally:
        renewer.stop()
        try:
            if ahead:  # a source whose turn never came (a helper failed): its lease goes back now
                source_actions.do_release_leases(list(ahead), chunk_owner)
            counts.flush()
        except DatabaseError:
            log.exception("Could not give back the leases or write the check counts of a chunk")
        if told := counts.take_not_modified():  # WebSub: one statement for the chunk's 304s
            feeds_not_modified.send(sender=refresh_batch, source_ids=told)
    return batch


def _claim_ahead(source_ids: list[int], owner: str, job: str, clock: Clock) -> dict[int, Source] | None:
    """Every source of the chunk claimed at once for `owner`, where one statement can (PostgreSQL): the
    rows claimed, by id. None: each source is claimed on its turn (SQLite, or the statement failed)."""
    now = clock()
    try:
        return source_actions.do_claim_leases_and_read(
            source_ids, owner, now=now, until=now + lease_length(), job=job
        )
    except DatabaseError as error:
        if connection.in_atomic_block:
            raise
        log.warning("A chunk's claim failed (%s); claiming one source at a time", str(error).splitlines()[:1])
        connection.close()
        return None
