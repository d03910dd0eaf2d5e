"""`stories rebuild`: re-cluster every published article in memory, then write the result in bulk.

The online path places one article at a time through the database (a few statements each). A rebuild
sees every article anyway, so it clusters them with the in-memory index (the same core decision, the
same candidate lookup rule, and the same caps on a story's terms and MinHashes as the database keeps),
then replaces the stories, members, candidate keys and document frequencies in one transaction with
bulk inserts. Staff groups are kept: the articles of one group share a story again, and the algorithm
never places them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from newsdesk.articles.models import Article

from . import core
from .actions import MAX_MINHASHES, MAX_TERMS, article_signals, heaviest, params
from .lookup import DOCS
from .memory import MemoryIndex, _Story
from .models import Story, StoryKey, StoryMember, TermFrequency

__all__ = ["rebuild"]


@dataclass
class _Member:
    article_id: int
    story: int  # the in-memory story id
    decision: core.Decision
    group: str


@dataclass
class _Lead:
    article_id: int
    title: str
    published: datetime
    sources: list[int] = field(default_factory=list)


class _Index(MemoryIndex):
    """The in-memory index, keeping a story's state as the database does: its heaviest terms only and
    the MinHashes of its first members."""

    def place(self, article_id: int, sig: core.Signals, decision: core.Decision, keys: list[str]) -> int:
        story_id = decision.story_id
        if story_id is None:
            story_id = len(self.stories) + 1
            self.stories[story_id] = _Story(story_id)
        self._add(story_id, str(article_id), sig, keys)
        story = self.stories[story_id]
        if len(story.terms) > MAX_TERMS:
            story.terms = Counter(heaviest(story.terms))
        del story.minhashes[MAX_MINHASHES:]
        return story_id


def rebuild(*, progress: Callable[[int], None] | None = None, batch: int = 2000) -> int:
    """Re-cluster every published article in publication order. Returns how many were placed."""
    p = params()
    groups = dict(StoryMember.objects.exclude(group="").values_list("article_id", "group"))
    index = _Index(p)
    pinned: dict[str, int] = {}
    members: list[_Member] = []
    leads: dict[int, _Lead] = {}
    newest: datetime | None = None  # the latest publication time placed
    ids = list(Article.objects.published().order_by("published", "id").values_list("id", flat=True))
    fields = ("id", "title", "excerpt", "text", "language", "published", "source_id")
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        for article in Article.objects.filter(pk__in=chunk).only(*fields).order_by("published", "id"):
            sig = article_signals(article, p)
            newest = sig.published if newest is None else max(newest, sig.published)
            idfs = index.idfs(sig.terms)
            keys = core.index_keys(sig, idfs, p)
            group = groups.get(article.pk, "")
            if group:
                decision = core.Decision(pinned.get(group), 1.0, StoryMember.Reason.STAFF)
            else:
                candidates = index.candidates(core.lookup_keys(keys, index.df, p), sig.published)
                common = core.common_terms(sig.terms, index.df, index.n_docs, p)
                decision = core.decide(sig, candidates, idfs, p, common=common)
            story = index.place(article.pk, sig, decision, keys)
            index.close(sig.published)
            if group:
                pinned[group] = story
            members.append(_Member(article.pk, story, decision, group))
            lead = leads.setdefault(story, _Lead(article.pk, article.title, article.published))
            if article.source_id not in lead.sources:
                lead.sources.append(article.source_id)
        if progress:
            progress(len(chunk))
    _write(index, members, leads, None if newest is None else core.closing_time(newest, timezone.now(), p))
    return len(members)


def _write(index: _Index, members: list[_Member], leads: dict[int, _Lead], cutoff: datetime | None) -> None:
    """Replace the stories. Those quiet since before `cutoff` are written closed, without postings, as
    placing the articles one by one and then the prune job's closing leave them."""
    now = timezone.now()
    with transaction.atomic():
        StoryKey.objects.all().delete()
        StoryMember.objects.all().delete()
        Story.objects.all().delete()
        TermFrequency.objects.all().delete()
        order = sorted(index.stories)
        rows = []
        for story_id in order:
            story, lead = index.stories[story_id], leads[story_id]
            rows.append(
                Story(
                    title=lead.title,
                    lead_id=lead.article_id,
                    first_published=lead.published,
                    last_updated=story.last_updated or lead.published,
                    article_count=len(story.members),
                    source_count=len(lead.sources),
                    terms=heaviest(story.terms),
                    minhashes=[list(m) for m in story.minhashes],
                    source_ids=lead.sources,
                    head=sorted(story.head),
                    indexed=cutoff is None or (story.last_updated or lead.published) >= cutoff,
                    created_at=now,
                )
            )
        created = Story.objects.bulk_create(rows, batch_size=1000)
        pk = {story_id: row.pk for story_id, row in zip(order, created, strict=True)}
        StoryMember.objects.bulk_create(
            [
                StoryMember(
                    article_id=m.article_id,
                    story_id=pk[m.story],
                    reason=m.decision.reason,
                    score=round(m.decision.score, 4),
                    shared=list(m.decision.shared),
                    group=m.group,
                    added_at=now,
                )
                for m in members
            ],
            batch_size=2000,
        )
        # The two largest tables as plain multi-row statements: no model instance per row.
        closed = {s for s, row in zip(order, rows, strict=True) if not row.indexed}
        keys = {(key[:100], pk[s]) for key, ids in index.postings.items() for s in ids if s not in closed}
        frequencies = {t[:100]: n for t, n in index.df.items() if t[:100] != DOCS}
        frequencies[DOCS] = index.n_docs
        _insert(StoryKey, (connection.ops.quote_name("key"), "story_id"), list(keys))
        _insert(TermFrequency, ("term", "df"), list(frequencies.items()))


def _insert(
    model: type[Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]], size: int = 400
) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(chunk))}",  # noqa: S608
                [value for row in chunk for value in row],
            )
