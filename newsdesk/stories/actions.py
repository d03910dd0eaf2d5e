"""Every write to stories goes through here, one transaction each.

`do_assign_story` is the online path: one article's signals, its candidates from the database index
(an inverted index of heavy terms and MinHash bands, `StoryKey`), the pure decision, and the writes.
Staff decisions (`do_split_story`, `do_merge_stories`) pin articles together in a `group` that the
algorithm never overrides, and `do_rebuild` re-clusters everything while keeping those groups.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from newsdesk.articles.models import Article

from . import core
from .models import Story, StoryKey, StoryMember, TermFrequency
from .signals import story_assigned

DOCS = ""  # the TermFrequency row that counts the articles
MAX_TERMS = 120  # a story keeps its members' heaviest terms only
MAX_MINHASHES = 24  # and the MinHashes of its first members (enough to catch a wire copy)


def params() -> core.Params:
    conf = settings.NEWSDESK_STORIES
    return replace(core.DEFAULT, open_hours=float(conf["OPEN_HOURS"]))


@dataclass(frozen=True)
class Placed:
    article_id: int
    story_id: int
    created: bool
    decision: core.Decision


def heaviest(terms: Mapping[str, int]) -> dict[str, int]:
    """A story's heaviest MAX_TERMS terms; ties by the term, so the choice does not depend on the order a
    database returns a JSON object's keys in."""
    return dict(sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS])


def article_signals(article: Article, p: core.Params) -> core.Signals:
    lead = article.excerpt or (article.text.split("\n\n", 1)[0] if article.text else "")
    return core.signals(
        article.title,
        lead,
        article.text or lead,
        article.language,
        article.published,
        source=article.source_id,
        params=p,
    )


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _json(value: Any) -> Any:
    """A JSON column as read through a raw cursor: text on SQLite and on psycopg (Django registers
    jsonb to load as text), already decoded by some drivers."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _aware(value: datetime) -> datetime:
    """A datetime as read through a raw cursor: naive UTC on SQLite."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def _frequencies(terms: Iterable[str]) -> tuple[dict[str, int], int]:
    """The document frequency of each term (absent: none) and the number of articles: one query."""
    wanted = [*terms, DOCS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, df FROM {_table(TermFrequency)} "  # noqa: S608 - our own table name
            f"WHERE term IN ({_placeholders(len(wanted))})",
            wanted,
        )
        df = dict(cursor.fetchall())
    n_docs = df.pop(DOCS, 0)
    return df, n_docs


@dataclass
class _Open:
    """An open story's clustering state, as read for a decision and updated by a placement."""

    id: int
    terms: dict[str, int]
    minhashes: list[list[int]] | None  # None: not read (the story shares no MinHash band)
    source_ids: list[int]
    head: list[str]
    first_published: datetime
    last_updated: datetime
    lead_id: int | None


def _candidates(
    keys: Sequence[str], now: datetime, p: core.Params
) -> tuple[list[core.Candidate], dict[int, _Open]]:
    """The open stories that share the most keys with the article (at least two, or one MinHash band;
    those with a shared band first), with their clustering state: one query."""
    if not keys:
        return [], {}
    since = connection.ops.adapt_datetimefield_value(now - timedelta(hours=p.open_hours))
    story, key, name = _table(Story), _table(StoryKey), connection.ops.quote_name("key")
    band = f"SUM(CASE WHEN k.{name} LIKE %s THEN 1 ELSE 0 END)"
    # The open stories come from the index on last_updated (their number depends on the arrival rate,
    # not on the size of the archive); "+k.story_id" keeps SQLite from reading the postings through
    # the story index instead of the (key, story) one.
    sql = (
        "SELECT s.id, s.terms, CASE WHEN h.b > 0 THEN s.minhashes END, s.source_ids, s.head,"  # noqa: S608
        " s.first_published, s.last_updated,"
        f" s.lead_id FROM {story} s JOIN ("
        f"SELECT k.story_id, COUNT(*) AS n, {band} AS b FROM {key} k"
        f" WHERE k.{name} IN ({_placeholders(len(keys))})"
        f" AND +k.story_id IN (SELECT id FROM {story} WHERE last_updated >= %s)"
        f" GROUP BY k.story_id HAVING COUNT(*) >= 2 OR {band} > 0"
        f" ORDER BY CASE WHEN {band} > 0 THEN 1 ELSE 0 END DESC, COUNT(*) DESC, k.story_id DESC LIMIT %s"
        ") h ON h.story_id = s.id ORDER BY h.b DESC, h.n DESC, s.id DESC"
    )
    like = core.BAND + "%"
    with connection.cursor() as cursor:
        cursor.execute(sql, [like, *[k[:100] for k in keys], since, like, like, p.max_candidates])
        rows = cursor.fetchall()
    stories = {row[0]: _open(row) for row in rows}
    return [
        core.Candidate(
            s.id,
            Counter(s.terms),
            [tuple(m) for m in s.minhashes or ()],
            s.last_updated,
            sources=frozenset(s.source_ids),
            head=frozenset(s.head),
        )
        for s in stories.values()
    ], stories


def _load(story_id: int) -> _Open:
    s = Story.objects.only(
        "id", "terms", "minhashes", "source_ids", "head", "first_published", "last_updated", "lead_id"
    ).get(pk=story_id)
    return _Open(
        s.pk, s.terms, s.minhashes, s.source_ids, s.head, s.first_published, s.last_updated, s.lead_id
    )


def _open(row: Sequence[Any]) -> _Open:
    minhashes = None if row[2] is None else _json(row[2])
    terms, source_ids, head = _json(row[1]), _json(row[3]), _json(row[4])
    return _Open(row[0], terms, minhashes, source_ids, head, _aware(row[5]), _aware(row[6]), row[7])


def _count_terms(terms: Iterable[str]) -> None:
    rows = [*terms, DOCS]
    table = _table(TermFrequency)
    values = ", ".join(["(%s, 1)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (term, df) VALUES {values} "  # noqa: S608 - our own table name
            "ON CONFLICT (term) DO UPDATE SET df = " + table + ".df + 1",
            rows,
        )


def _place(
    article: Article,
    sig: core.Signals,
    decision: core.Decision,
    keys: Sequence[str],
    *,
    group: str = "",
    loaded: dict[int, _Open] | None = None,
) -> Placed:
    """Write one article into the story of `decision` (or a new one), with its keys and counts: a few
    plain statements, no model instances beyond a new story."""
    created = decision.story_id is None
    ops = connection.ops
    with connection.cursor() as cursor:
        if decision.story_id is None:
            story_id = Story.objects.create(
                title=article.title,
                lead=article,
                first_published=article.published,
                last_updated=article.published,
                terms=heaviest(sig.terms),
                minhashes=[list(sig.minhash)] if sig.minhash else [],
                source_ids=[article.source_id],
                head=sorted(sig.head),
                article_count=1,
                source_count=1,
            ).pk
        else:
            story = (loaded or {}).get(decision.story_id) or _load(decision.story_id)
            story_id = story.id
            terms = Counter(story.terms)
            terms.update(sig.terms)
            minhashes = story.minhashes
            if minhashes is None and sig.minhash:  # not read with the candidates: read it now
                cursor.execute(f"SELECT minhashes FROM {_table(Story)} WHERE id = %s", [story_id])  # noqa: S608
                minhashes = _json(cursor.fetchone()[0])
            if sig.minhash and minhashes is not None and len(minhashes) < MAX_MINHASHES:
                minhashes = [*minhashes, list(sig.minhash)]
            else:
                minhashes = None  # unchanged
            new_source = article.source_id not in story.source_ids
            sources = [*story.source_ids, article.source_id] if new_source else story.source_ids
            sets = [
                "terms = %s",
                "source_ids = %s",
                "head = %s",
                "last_updated = %s",
                "article_count = article_count + 1",
                "source_count = source_count + %s",
            ]
            values: list[Any] = [
                json.dumps(heaviest(terms)),
                json.dumps(sources),
                json.dumps(sorted(set(story.head) | sig.head)),
                ops.adapt_datetimefield_value(max(story.last_updated, article.published)),
                int(new_source),
            ]
            if minhashes is not None:
                sets.append("minhashes = %s")
                values.append(json.dumps(minhashes))
            if article.published < story.first_published:  # the article becomes the lead
                sets += ["first_published = %s", "title = %s", "lead_id = %s"]
                values += [ops.adapt_datetimefield_value(article.published), article.title, article.pk]
            cursor.execute(
                f"UPDATE {_table(Story)} SET {', '.join(sets)} WHERE id = %s",  # noqa: S608 - our own SQL
                [*values, story_id],
            )
        cursor.execute(
            f"INSERT INTO {_table(StoryMember)} (article_id, story_id, reason, score, shared, "  # noqa: S608
            f"{ops.quote_name('group')}, added_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                article.pk,
                story_id,
                decision.reason,
                round(decision.score, 4),
                json.dumps(list(decision.shared)),
                group,
                ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        if keys:
            rows = [(k[:100], story_id) for k in dict.fromkeys(keys)]
            cursor.execute(
                f"INSERT INTO {_table(StoryKey)} ({ops.quote_name('key')}, story_id) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s)'] * len(rows))} ON CONFLICT DO NOTHING",
                [v for row in rows for v in row],
            )
    _count_terms(sig.terms.keys())
    return Placed(article.pk, story_id, created, decision)


def _recount(story: Story) -> None:
    members = Article.objects.filter(story_member__story=story)
    story.article_count = members.count()
    story.source_count = members.values("source_id").distinct().count()
    first = members.order_by("published", "id").only("id", "title").first()
    if first is not None:
        story.lead, story.title = first, first.title


def do_assign_story(article_id: int, *, p: core.Params | None = None) -> Placed | None:
    """Place one stored, published article: join the best open story or start one. An article that
    already has its story keeps it."""
    p = p or params()
    with transaction.atomic():
        article = Article.objects.filter(
            pk=article_id, status=Article.Status.PUBLISHED, story_member__isnull=True
        ).first()
        if article is None:
            return None
        placed = _assign(article, p)
    transaction.on_commit(
        lambda: story_assigned.send(
            sender=Story,
            article_id=placed.article_id,
            story_id=placed.story_id,
            created=placed.created,
        ),
        robust=True,
    )
    return placed


def _assign(
    article: Article, p: core.Params, *, group: str = "", pinned: dict[str, int] | None = None
) -> Placed:
    sig = article_signals(article, p)
    df, n_docs = _frequencies(sig.terms)
    idfs = {t: core.idf(df.get(t, 0), n_docs, p.min_docs) for t in sig.terms}
    keys = core.index_keys(sig, idfs, p)
    loaded: dict[int, _Open] = {}
    if group and pinned is not None and group in pinned:
        decision = core.Decision(pinned[group], 1.0, StoryMember.Reason.STAFF)
    elif group:
        decision = core.Decision(None, 1.0, StoryMember.Reason.STAFF)
    else:
        candidates, loaded = _candidates(core.lookup_keys(keys, df, p), article.published, p)
        decision = core.decide(sig, candidates, idfs, p, common=core.common_terms(sig.terms, df, n_docs, p))
    placed = _place(article, sig, decision, keys, group=group, loaded=loaded)
    if group and pinned is not None:
        pinned[group] = placed.story_id
    return placed


# ---- staff decisions --------------------------------------------------------------------------------
def do_split_story(story_id: int, article_ids: Sequence[int]) -> int:
    """Take these articles out of their story into a new one. Both sides are pinned, so neither the
    algorithm nor a rebuild puts them back together. Returns the new story's id."""
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story_id)
        moving = list(StoryMember.objects.filter(story=story, article_id__in=list(article_ids)))
        staying = list(StoryMember.objects.filter(story=story).exclude(article_id__in=list(article_ids)))
        if not moving or not staying:
            raise ValueError("A split needs some articles to move and some to stay.")
        new = Story.objects.create(first_published=story.first_published, last_updated=story.last_updated)
        _pin(staying, story, _group())
        _pin(moving, new, _group())
        for s in (story, new):
            _refresh(s)
        return new.pk


def do_merge_stories(story_ids: Sequence[int]) -> int:
    """Put these stories' articles into the first one, pinned together. Returns that story's id."""
    if len(set(story_ids)) < 2:
        raise ValueError("A merge needs at least two stories.")
    with transaction.atomic():
        target = Story.objects.select_for_update().get(pk=story_ids[0])
        members = list(StoryMember.objects.filter(story_id__in=list(story_ids)))
        _pin(members, target, _group())
        others = Story.objects.filter(pk__in=list(story_ids)).exclude(pk=target.pk)
        for key in StoryKey.objects.filter(story__in=others).values_list("key", flat=True):
            StoryKey.objects.get_or_create(key=key, story=target)
        others.delete()
        _refresh(target)
        return target.pk


def _group() -> str:
    return uuid.uuid4().hex


def _pin(members: list[StoryMember], story: Story, group: str) -> None:
    for member in members:
        member.story, member.group, member.reason = story, group, StoryMember.Reason.STAFF
    StoryMember.objects.bulk_update(members, ["story", "group", "reason"])


def _refresh(story: Story) -> None:
    """Recompute a story's counts, times and clustering state from its members."""
    p = params()
    terms: Counter[str] = Counter()
    minhashes: list[list[int]] = []
    articles = list(Article.objects.filter(story_member__story=story).order_by("published", "id"))
    for article in articles:
        sig = article_signals(article, p)
        terms.update(sig.terms)
        if sig.minhash and len(minhashes) < MAX_MINHASHES:
            minhashes.append(list(sig.minhash))
    story.terms, story.minhashes = heaviest(terms), minhashes
    story.source_ids = sorted({a.source_id for a in articles})
    story.head = sorted(set().union(*(article_signals(a, p).head for a in articles)))
    if articles:
        story.first_published = articles[0].published
        story.last_updated = max(a.published for a in articles)
    _recount(story)
    story.save()


# ---- rebuild ----------------------------------------------------------------------------------------
def do_rebuild(*, progress: Callable[[int], None] | None = None, batch: int = 2000) -> int:
    """Re-cluster every published article in publication order, in memory, and write the stories in bulk
    (`rebuild.py`). Staff groups are kept. Returns how many were placed."""
    from .rebuild import rebuild

    return rebuild(progress=progress, batch=batch)
