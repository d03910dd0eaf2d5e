"""The orchestrator: the one ingest module that does I/O and calls actions.

fetch -> parse -> (per entry) decide -> fetch page -> extract -> assemble -> store,
then record the outcome on the source and schedule its next check. One source's
failure never stops the others; one entry's failure never loses the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection

from newsdesk.articles import queries
from newsdesk.articles.actions import (
    Stored,
    do_record_alias,
    do_store_article,
    do_transfer_article,
    do_update_article,
)
from newsdesk.core.clock import Clock, utcnow
from newsdesk.ingest.stages import assemble
from newsdesk.ingest.stages.decide import Action, content_hash, decide, hosts_match
from newsdesk.ingest.stages.extract import extract_article
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.ingest.stages.parse import parse_feed
from newsdesk.integrity import review as integrity
from newsdesk.sources import actions as source_actions
from newsdesk.sources import queries as source_queries
from newsdesk.sources.models import Source
from newsdesk.sources.polling import Hints
from newsdesk.types import (
    Entry,
    Extracted,
    ExtractError,
    FetchError,
    ParsedFeed,
    ParseError,
    Validators,
)

log = logging.getLogger(__name__)


@dataclass
class SourceReport:
    """What one source's check came to."""

    source_id: int
    name: str
    ok: bool = True
    error: str = ""
    not_modified: bool = False
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    failed_entries: int = 0
    article_ids: list[int] = field(default_factory=list)


class Pipeline:
    def __init__(self, fetcher: Fetcher, *, clock: Clock = utcnow) -> None:
        self.fetcher = fetcher
        self.clock = clock
        self.excerpt_words: int = settings.NEWSDESK_INGEST["EXCERPT_WORDS"]
        self.max_entries: int = settings.NEWSDESK_INGEST["MAX_ENTRIES_PER_FEED"]

    # ---- one source ---------------------------------------------------------
    def refresh_source(self, source_id: int) -> SourceReport:
        source = Source.objects.get(pk=source_id)
        report = SourceReport(source_id=source.pk, name=source.name or source.url)
        now = self.clock()
        validators = Validators(etag=source.etag or None, last_modified=source.last_modified or None)
        try:
            result = self.fetcher.fetch(source.url, validators=validators, kind="feed")
            if result.not_modified:
                report.not_modified = True
                self._record_success(source, now, result.validators, Hints(result.max_age, None, None))
                return report
            feed = parse_feed(
                result.content,
                url=result.url,
                content_type=result.content_type,
                charset=result.charset,
                max_entries=self.max_entries,
            )
        except (FetchError, ParseError) as exc:
            return self._record_failure(report, now, exc)

        for entry in feed.entries:
            try:
                self._ingest_entry(source, feed, entry, now, report)
            except Exception:  # one bad entry must not lose the others
                log.exception("Could not store an entry of source %s (%s)", source.pk, entry.link)
                report.failed_entries += 1
        # Keep the validators only when every entry was handled: otherwise a 304 would hide the rest.
        kept = result.validators if report.failed_entries == 0 else Validators()
        self._record_success(source, now, kept, Hints(result.max_age, feed.ttl_minutes, None), feed)
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

    # ---- one entry ----------------------------------------------------------
    def _ingest_entry(
        self, source: Source, feed: ParsedFeed, entry: Entry, now: datetime, report: SourceReport
    ) -> None:
        link = assemble.entry_link(entry)
        guid = assemble.entry_guid(entry)
        feed_hash = content_hash(assemble.feed_hash_parts(entry))
        known = queries.find_by_entry(source.pk, guid, link)
        action = decide(known, source_id=source.pk, new_hash=feed_hash)
        if action is Action.SAME:
            return
        if action is Action.DUPLICATE and known is not None:
            if not self._take_over(source, known.id, known.source_id, guid, link, feed_hash):
                self._alias(source, known.id, known.source_id, guid, link, report)
                return
            action = Action.UPDATE  # now ours: refresh it from this outlet's own entry
        entry, planted = integrity.clean_entry(entry)
        page, page_failed = self._extract_page(link)
        draft = assemble.assemble(
            entry,
            page,
            feed=feed,
            source_id=source.pk,
            source_language=source.language,
            content_hash=feed_hash,
            now=now,
            excerpt_words=self.excerpt_words,
            page_failed=page_failed,
        )
        target = known.id if action is Action.UPDATE and known is not None else None
        if target is None:
            original = queries.find_by_identity(draft.url, draft.fingerprint)
            if original is not None:
                if not self._take_over(source, original.id, original.source_id, guid, link, feed_hash):
                    self._alias(source, original.id, original.source_id, guid, link, report)
                    return
                target = original.id
        draft = integrity.review(
            draft,
            injections=planted + (page.injections if page else ()),
            source=source_queries.integrity_state(source.pk),
            update=target is not None,
        )
        if target is not None:
            do_update_article(target, draft)
            report.updated += 1
            report.article_ids.append(target)
            return
        stored, article_id = do_store_article(draft)
        if stored is Stored.CREATED and article_id is not None:
            report.new += 1
            report.article_ids.append(article_id)
        elif article_id is not None:  # another worker stored the same URL a moment ago
            self._alias(source, article_id, None, guid, link, report)

    def _take_over(
        self, source: Source, article_id: int, owner_id: int, guid: str, link: str, feed_hash: str
    ) -> bool:
        """A copy of this outlet's own story was stored first (from a syndicator): credit it here."""
        if owner_id == source.pk or not self._publishes(source, link, owner_id):
            return False
        do_transfer_article(article_id, source_id=source.pk, guid=guid, link=link, content_hash=feed_hash)
        return True

    @staticmethod
    def _alias(
        source: Source, article_id: int, owner_id: int | None, guid: str, link: str, report: SourceReport
    ) -> None:
        """This entry tells a stored story: remember it, so the next poll skips it without a fetch."""
        report.duplicates += 1
        if owner_id != source.pk or guid:
            do_record_alias(article_id, source_id=source.pk, guid=guid, link=link)

    @staticmethod
    def _publishes(source: Source, url: str, other_source_id: int) -> bool:
        """Is `source` the outlet that published `url` (its host), and the other source not?"""
        other = Source.objects.filter(pk=other_source_id).only("url", "site_url").first()
        return (
            other is not None
            and hosts_match(url, source.url, source.site_url)
            and not hosts_match(url, other.url, other.site_url)
        )

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

    def refresh_guarded(self, source_id: int) -> SourceReport:
        """refresh_source, with anything unexpected recorded on the source instead of raised."""
        try:
            return self.refresh_source(source_id)
        except Source.DoesNotExist:
            return SourceReport(
                source_id=source_id, name=str(source_id), ok=False, error="The source is gone."
            )
        except Exception as exc:
            log.exception("Checking source %s failed unexpectedly", source_id)
            report = SourceReport(source_id=source_id, name=str(source_id))
            message = f"An internal error stopped this check ({type(exc).__name__})."
            try:
                source_actions.do_record_failure(source_id, now=self.clock(), message=message)
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


def due_source_ids(now: datetime) -> list[int]:
    return list(
        Source.objects.filter(is_active=True, next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)
    )
