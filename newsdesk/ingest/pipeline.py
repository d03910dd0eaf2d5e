"""The orchestrator: with `store`, the ingest code that does I/O and calls actions.

fetch -> parse -> (per entry) decide -> fetch page -> extract -> assemble -> decide -> store,
then record the outcome on the source and schedule its next check. For each entry the
pipeline only gathers facts (what the store knows, the sources involved), asks the pure
decider in `stages/decide.py` for an intent, and carries it out (`store`: the entry's facts,
the decisions and the writes they ask for). One source's failure never stops the others; one
entry's failure never loses the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from newsdesk.articles import queries
from newsdesk.core import metrics
from newsdesk.core.clock import Clock, utcnow
from newsdesk.ingest.signals import feed_checked
from newsdesk.ingest.stages.extract import extract_article
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.ingest.stages.fetch.headers import parse_content_type
from newsdesk.ingest.stages.parse import parse_feed
from newsdesk.sources import actions as source_actions
from newsdesk.sources import hot
from newsdesk.sources.models import Source
from newsdesk.sources.polling import Hints
from newsdesk.types import (
    BlockedAddress,
    Entry,
    Extracted,
    ExtractError,
    FetchError,
    ParsedFeed,
    ParseError,
    Validators,
)

from . import store
from .report import SourceReport

log = logging.getLogger(__name__)


class Pipeline:
    def __init__(self, fetcher: Fetcher, *, clock: Clock = utcnow) -> None:
        self.fetcher = fetcher
        self.clock = clock
        self.excerpt_words: int = settings.NEWSDESK_INGEST["EXCERPT_WORDS"]
        self.max_entries: int = settings.NEWSDESK_INGEST["MAX_ENTRIES_PER_FEED"]
        self.page_workers: int = max(1, settings.NEWSDESK_INGEST["FETCH_PAGE_WORKERS"])

    # ---- one source ---------------------------------------------------------
    def refresh_source(
        self, source_id: int, *, lease_owner: str = "", source: Source | None = None
    ) -> SourceReport:
        """Check one source and store what is new. With `lease_owner` (the lease this refresh holds), a
        304 is recorded only while that lease holds the source, and gives it back in the same UPDATE.
        `source`: the row as the lease's claim read it (do_claim_lease_and_read), instead of a read here."""
        if source is None or source.pk != source_id:
            source = Source.objects.get(pk=source_id)
        report = SourceReport(source_id=source.pk, name=source.name or source.url)
        now = self.clock()
        validators = Validators(etag=source.etag or None, last_modified=source.last_modified or None)
        started = time.perf_counter()
        try:
            try:
                result = self.fetcher.fetch(source.url, validators=validators, kind="feed")
            finally:
                took = time.perf_counter() - started
                metrics.fetch_duration.observe(took)
            if result.not_modified:
                metrics.observe_fetch("not_modified")
                report.not_modified = True
                self._record_not_modified(source, now, result.validators, result.max_age, lease_owner, report)
                source_actions.do_count_fetch(source.pk, now=now, outcome="not_modified", seconds=took)
                return report
            feed = parse_feed(
                result.content,
                url=result.url,
                content_type=result.content_type,
                charset=result.charset,
                max_entries=self.max_entries,
                link_header=result.headers.get("link"),
            )
        except (FetchError, ParseError) as exc:
            metrics.observe_fetch("error")
            source_actions.do_count_fetch(
                source.pk,
                now=now,
                outcome="error",
                seconds=time.perf_counter() - started,
                kind=error_kind(exc),
            )
            return self._record_failure(report, now, exc)

        self._ingest_entries(source, feed, now, report)
        metrics.observe_fetch("new" if report.new else "unchanged")
        # Keep the validators only when every entry was handled: otherwise a 304 would hide the rest.
        kept = result.validators if report.failed_entries == 0 else Validators()
        self._record_success(source, now, kept, Hints(result.max_age, feed.ttl_minutes, None), feed)
        source_actions.do_count_fetch(source.pk, now=now, outcome="new", seconds=took)
        return report

    def _record_success(
        self,
        source: Source,
        now: datetime,
        validators: Validators,
        hints: Hints,
        feed: ParsedFeed | None = None,
    ) -> None:
        source_actions.do_record_success(
            source.pk,
            now=now,
            etag=validators.etag,
            last_modified=validators.last_modified,
            published=queries.recent_published(source.pk),
            hints=hints,
            feed_title=feed.title if feed else "",
            site_url=(feed.link or "") if feed else "",
        )
        hubs, topic = (feed.hubs, feed.self_url) if feed else (None, None)
        transaction.on_commit(
            lambda: feed_checked.send(sender=Pipeline, source_id=source.pk, hubs=hubs, topic=topic),
            robust=True,
        )

    def _record_not_modified(
        self,
        source: Source,
        now: datetime,
        validators: Validators,
        max_age: int | None,
        lease_owner: str,
        report: SourceReport,
    ) -> None:
        """A 304: the cheap path, one UPDATE (see do_record_not_modified). The posting rhythm comes with
        the row when the lease's claim read it (on PostgreSQL), otherwise from a read here."""
        published = getattr(source, "recent_published", None)
        recorded = source_actions.do_record_not_modified(
            source.pk,
            now=now,
            etag=validators.etag,
            last_modified=validators.last_modified,
            published=queries.recent_published(source.pk) if published is None else published,
            hints=Hints(max_age, None, None),
            lease_owner=lease_owner,
        )
        report.released = bool(lease_owner) and recorded
        if not recorded:
            log.warning("Source %s: the lease ran out before its 304 was recorded", source.pk)
            return
        if (chunk := hot.counts_here()) is not None:  # in a chunk: told once, at its end (batch.py)
            chunk.recorded_not_modified(source.pk)
            return
        transaction.on_commit(
            lambda: feed_checked.send(sender=Pipeline, source_id=source.pk, hubs=None, topic=None),
            robust=True,
        )

    def _record_failure(
        self, report: SourceReport, now: datetime, exc: FetchError | ParseError
    ) -> SourceReport:
        retry_after = exc.retry_after if isinstance(exc, FetchError) else None
        source_actions.do_record_failure(
            report.source_id, now=now, message=exc.message, retry_after=retry_after
        )
        report.ok = False
        report.error = exc.message
        return report

    # ---- a pushed body -------------------------------------------------------
    def ingest_pushed(self, source_id: int, body: bytes, content_type: str) -> SourceReport:
        """A feed body that the source's WebSub hub pushed: each entry goes the same way as a polled one.

        The source's schedule and record are left alone (a push is not a check); a body that does not
        parse comes back as a failed report.
        """
        source = Source.objects.get(pk=source_id)
        report = SourceReport(source_id=source.pk, name=source.name or source.url)
        media_type, charset = parse_content_type(content_type)
        try:
            feed = parse_feed(
                body, url=source.url, content_type=media_type, charset=charset, max_entries=self.max_entries
            )
        except ParseError as exc:
            report.ok, report.error = False, exc.message
            return report
        self._ingest_entries(source, feed, self.clock(), report)
        return report

    def _ingest_entries(self, source: Source, feed: ParsedFeed, now: datetime, report: SourceReport) -> None:
        """Every entry of a feed: the store's reads and writes stay on this thread, in feed order, while
        the article pages are fetched and extracted on a small pool of threads (within the fetcher's
        per-host limit), so one source's network waits overlap. An entry that shares a guid or link with
        an earlier one of the same feed waits until the others are stored, then goes the sequential way,
        so it sees what they stored."""
        later: list[Entry] = []
        pending: list[tuple[store.Prepared, Future[tuple[Extracted | None, bool]]]] = []
        keys: set[str] = set()
        seen: set[str] = set()
        found = store.look_up(source, feed.entries)
        wrote = False
        with ThreadPoolExecutor(max_workers=self.page_workers, thread_name_prefix="page") as pool:
            for entry in feed.entries:
                try:
                    facts = store.entry_facts(source, entry)
                    entry_keys = {k for k in (facts.guid, facts.link) if k}
                    # The feed-wide lookup holds unless an earlier entry shared a key, or wrote an
                    # alias or a transfer this lookup could not see: then this entry asks afresh.
                    fresh = wrote or bool(entry_keys & seen) or (facts.guid, facts.link) not in found
                    seen |= entry_keys
                    known = store.find(source, facts) if fresh else found[facts.guid, facts.link]
                    prepared, wrote_now = store.prepare(source, entry, facts, known, report)
                    wrote = wrote or wrote_now
                    if prepared is None:
                        continue
                    if entry_keys & keys:
                        later.append(entry)
                        continue
                    keys |= entry_keys
                    pending.append((prepared, pool.submit(self._extract_page, prepared.facts.link)))
                except Exception:  # one bad entry must not lose the others
                    log.exception("Could not store an entry of source %s (%s)", source.pk, entry.link)
                    report.failed_entries += 1
            for prepared, page in pending:
                try:
                    store.finish(
                        source, feed, prepared, *page.result(), now, report, excerpt_words=self.excerpt_words
                    )
                except Exception:
                    log.exception(
                        "Could not store an entry of source %s (%s)", source.pk, prepared.entry.link
                    )
                    report.failed_entries += 1
        for entry in later:
            try:
                self._ingest_entry(source, feed, entry, now, report)
            except Exception:
                log.exception("Could not store an entry of source %s (%s)", source.pk, entry.link)
                report.failed_entries += 1

    # ---- one entry ----------------------------------------------------------
    def _ingest_entry(
        self, source: Source, feed: ParsedFeed, entry: Entry, now: datetime, report: SourceReport
    ) -> None:
        """One entry from start to end on this thread: prepare, fetch its page, finish."""
        facts = store.entry_facts(source, entry)
        prepared, _ = store.prepare(source, entry, facts, store.find(source, facts), report)
        if prepared is not None:
            page = self._extract_page(prepared.facts.link)
            store.finish(source, feed, prepared, *page, now, report, excerpt_words=self.excerpt_words)

    def _extract_page(self, link: str) -> tuple[Extracted | None, bool]:
        """The article page's extraction; (None, True) when it could not be had."""
        if not link:
            return None, False
        try:
            result = self.fetcher.fetch(link, kind="page")
            page = extract_article(result.content, url=result.url, charset=result.charset)
        except (FetchError, ExtractError) as exc:
            log.info("Keeping the feed's content for %s: %s", link, exc.message)
            return None, True
        return page, not page.text.strip()

    # ---- many sources ---------------------------------------------------------
    def refresh_many(
        self,
        source_ids: Iterable[int],
        *,
        workers: int = 1,
        on_done: Callable[[SourceReport], None] | None = None,
    ) -> list[SourceReport]:
        ids = list(source_ids)
        reports: list[SourceReport] = []
        if workers <= 1 or len(ids) <= 1:
            for source_id in ids:
                reports.append(self.refresh_guarded(source_id))
                if on_done:
                    on_done(reports[-1])
            return reports
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            futures = [pool.submit(self._in_thread, source_id) for source_id in ids]
            for future in as_completed(futures):
                reports.append(future.result())
                if on_done:
                    on_done(reports[-1])
        order = {source_id: index for index, source_id in enumerate(ids)}
        return sorted(reports, key=lambda r: order[r.source_id])

    def refresh_leased(self, source_id: int, lease_owner: str, source: Source | None = None) -> SourceReport:
        """refresh_guarded for a source whose lease `lease_owner` holds (`source`: the row its claim
        read, when it did); the lease is given back at the end."""
        report: SourceReport | None = None
        try:
            report = self.refresh_guarded(source_id, lease_owner=lease_owner, source=source)
            return report
        finally:
            if report is None or not report.released:
                source_actions.do_release_lease(source_id, lease_owner)

    def refresh_guarded(
        self, source_id: int, *, lease_owner: str = "", source: Source | None = None
    ) -> SourceReport:
        """refresh_source, with anything unexpected recorded on the source instead of raised."""
        try:
            return self.refresh_source(source_id, lease_owner=lease_owner, source=source)
        except Source.DoesNotExist:
            return SourceReport(
                source_id=source_id, name=str(source_id), ok=False, error="The source is gone."
            )
        except Exception as exc:
            log.exception("Checking source %s failed unexpectedly", source_id)
            metrics.observe_fetch("error")
            report = SourceReport(source_id=source_id, name=str(source_id))
            message = f"An internal error stopped this check ({type(exc).__name__})."
            try:
                now = self.clock()
                source_actions.do_record_failure(source_id, now=now, message=message)
                source_actions.do_count_fetch(
                    source_id, now=now, outcome="error", seconds=0.0, kind="internal"
                )
            except Exception:
                log.exception("Could not record the failure of source %s", source_id)
            report.ok, report.error = False, message
            return report

    def _in_thread(self, source_id: int) -> SourceReport:
        close_old_connections()
        try:
            return self.refresh_guarded(source_id)
        finally:
            connection.close()


def error_kind(exc: FetchError | ParseError) -> str:
    """A short name for what went wrong, for the console's counts: blocked, http-4xx, http-5xx, parse
    or network (no answer: refused, timed out, too large, a TLS failure)."""
    if isinstance(exc, ParseError):
        return "parse"
    if isinstance(exc, BlockedAddress):
        return "blocked"
    if exc.status:
        return f"http-{exc.status // 100}xx"
    return "network"
