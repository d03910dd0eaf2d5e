"""Carrying out what the pure decider decides for one entry, on the pipeline's thread.

The facts of an entry (its source, guid, link and content hash), what the store knows of it, the
decider's intent before the page fetch (`prepare`) and after it, by the article's identity
(`finish`), and the writes each intent asks for: an alias, a transfer, a stored or updated article.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from newsdesk.articles import queries
from newsdesk.articles.actions import (
    Stored,
    do_record_alias,
    do_store_article,
    do_transfer_article,
    do_update_article,
)
from newsdesk.ingest.stages import assemble
from newsdesk.ingest.stages.decide import (
    Alias,
    Facts,
    Intent,
    Skip,
    Store,
    Transfer,
    Update,
    content_hash,
    decide_entry,
    decide_identity,
    decide_lost_race,
)
from newsdesk.integrity import review as integrity
from newsdesk.sources import queries as source_queries
from newsdesk.sources.models import Source
from newsdesk.types import Entry, Extracted, Injection, Known, Outlet, ParsedFeed

from .report import SourceReport


@dataclass(frozen=True)
class Prepared:
    """An entry that goes on to have its page fetched: what was decided before the fetch."""

    entry: Entry
    facts: Facts
    intent: Intent
    planted: tuple[Injection, ...]


def entry_facts(source: Source, entry: Entry) -> Facts:
    return Facts(
        source=Outlet(id=source.pk, url=source.url, site_url=source.site_url),
        guid=assemble.entry_guid(entry),
        link=assemble.entry_link(entry),
        content_hash=content_hash(assemble.feed_hash_parts(entry)),
    )


def find(source: Source, facts: Facts) -> Known | None:
    return queries.find_by_entry(source.pk, facts.guid, facts.link)


def look_up(source: Source, entries: Iterable[Entry]) -> dict[tuple[str, str], Known | None]:
    """What the store knows of every entry of the feed, in three queries: (guid, link) -> answer.
    An entry whose facts cannot be had is left out (it fails on its own turn, as before)."""
    pairs: list[tuple[str, str]] = []
    for entry in entries:
        with contextlib.suppress(Exception):
            facts = entry_facts(source, entry)
            pairs.append((facts.guid, facts.link))
    return dict(zip(pairs, queries.find_by_entries(source.pk, pairs), strict=True))


def prepare(
    source: Source, entry: Entry, facts: Facts, known: Known | None, report: SourceReport
) -> tuple[Prepared | None, bool]:
    """Ask the decider by what the store knows of the entry (before the page fetch). The prepared
    entry, or None when that settles it (skipped, or remembered as an alias); and whether that
    wrote anything (an alias or a transfer)."""
    intent = decide_entry(known, _owner(known, source.pk), facts)
    wrote = isinstance(intent, Transfer) or (isinstance(intent, Alias) and intent.record)
    if settle(intent, facts, report):
        return None, wrote
    entry, planted = integrity.clean_entry(entry)
    return Prepared(entry, facts, intent, planted), wrote


def finish(
    source: Source,
    feed: ParsedFeed,
    prepared: Prepared,
    page: Extracted | None,
    page_failed: bool,
    now: datetime,
    report: SourceReport,
    *,
    excerpt_words: int,
) -> None:
    """With the page in hand: assemble, ask the decider once more by the article's identity, and
    store or update."""
    entry, facts, intent = prepared.entry, prepared.facts, prepared.intent
    draft = assemble.assemble(
        entry,
        page,
        feed=feed,
        source_id=source.pk,
        source_language=source.language,
        content_hash=facts.content_hash,
        now=now,
        excerpt_words=excerpt_words,
        page_failed=page_failed,
    )
    if isinstance(intent, Store):
        original = queries.find_by_identity(draft.url, draft.fingerprint)
        intent = decide_identity(original, _owner(original, source.pk), facts)
        if settle(intent, facts, report):
            return
    target = intent.article_id if isinstance(intent, Update | Transfer) else None
    draft = integrity.review(
        draft,
        injections=prepared.planted + (page.injections if page else ()),
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
    else:  # another worker stored the same URL a moment ago
        settle(decide_lost_race(article_id), facts, report)


def settle(intent: Intent, facts: Facts, report: SourceReport) -> bool:
    """Carry out what an intent asks before the article itself is written. True when that is
    all: the entry is skipped or remembered as an alias; False when it goes on to be stored or
    updated (a transfer first credits the stored article to this source)."""
    match intent:
        case Skip():
            return True
        case Alias(article_id, record):
            report.duplicates += 1
            if record:
                do_record_alias(article_id, source_id=facts.source.id, guid=facts.guid, link=facts.link)
            return True
        case Transfer(article_id):
            do_transfer_article(
                article_id,
                source_id=facts.source.id,
                guid=facts.guid,
                link=facts.link,
                content_hash=facts.content_hash,
            )
    return False


def _owner(stored: Known | None, source_id: int) -> Outlet | None:
    """The source holding a stored article, when it is not this one: the decider compares hosts."""
    if stored is None or stored.source_id == source_id:
        return None
    return source_queries.outlet(stored.source_id)
