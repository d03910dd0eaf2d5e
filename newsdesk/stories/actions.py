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
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from newsdesk.articles.models import Article

from . import core, lookup
from .lookup import DOCS, table
from .models import Story, StoryKey, StoryMember, TermFrequency
from .signals import story_assigned

MAX_TERMS = 120  # a story keeps its members' heaviest terms only
MAX_MINHASHES = 24  # and the MinHashes of its first members (enough to catch a wire copy)


# A story keeps the MinHashes of its first MAX_MINHASHES members: one more, unless it has that many.
_APPEND_MINHASH = (
    "minhashes = CASE WHEN json_array_length(minhashes) < %s"
    " THEN json_insert(minhashes, '$[#]', json(%s)) ELSE minhashes END",
    "minhashes = CASE WHEN jsonb_array_length(minhashes) < %s"
    " THEN minhashes || jsonb_build_array(%s::jsonb) ELSE minhashes END",
)


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


def _count_terms(terms: Iterable[str]) -> None:
    rows = [*terms, DOCS]
    name = table(TermFrequency)
    values = ", ".join(["(%s, 1)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {name} (term, df) VALUES {values} "  # noqa: S608 - our own table name
            "ON CONFLICT (term) DO UPDATE SET df = " + name + ".df + 1",
            rows,
        )


def _place(
    article: Article,
    sig: core.Signals,
    decision: core.Decision,
    keys: Sequence[str],
    *,
    group: str = "",
    loaded: dict[int, lookup.Open] | None = None,
) -> Placed:
    """Write one article into the story of `decision` (or a new one), with its keys and counts: a few
    plain statements, no model instances."""
    created = decision.story_id is None
    ops = connection.ops
    with connection.cursor() as cursor:
        if decision.story_id is None:
            when = ops.adapt_datetimefield_value(article.published)
            new: dict[str, Any] = {
                "title": article.title, "lead_id": article.pk, "first_published": when, "last_updated": when,
                "terms": json.dumps(heaviest(sig.terms)),
                "minhashes": json.dumps([list(sig.minhash)] if sig.minhash else []),
                "source_ids": json.dumps([article.source_id]), "head": json.dumps(sorted(sig.head)),
                "article_count": 1, "source_count": 1, "indexed": True,
                "created_at": ops.adapt_datetimefield_value(timezone.now()),
            }  # fmt: skip
            cursor.execute(
                f"INSERT INTO {table(Story)} ({', '.join(new)}) VALUES ({lookup.placeholders(len(new))})"  # noqa: S608
                " RETURNING id",
                list(new.values()),
            )
            story_id = cursor.fetchone()[0]
        else:
            story = (loaded or {}).get(decision.story_id) or lookup.load(decision.story_id)
            story_id = story.id
            terms = Counter(story.terms)
            terms.update(sig.terms)
            new_source = article.source_id not in story.source_ids
            sources = [*story.source_ids, article.source_id] if new_source else story.source_ids
            sets = [
                "terms = %s",
                "source_ids = %s",
                "head = %s",
                "last_updated = %s",
                "article_count = article_count + 1",
                "source_count = source_count + %s",
                "indexed = %s",  # a story closed early (a late article, a staff pin) is indexed again
            ]
            values: list[Any] = [
                json.dumps(heaviest(terms)),
                json.dumps(sources),
                json.dumps(sorted(set(story.head) | sig.head)),
                ops.adapt_datetimefield_value(max(story.last_updated, article.published)),
                int(new_source),
                True,
            ]
            if sig.minhash:  # appended in the database: the story's MinHashes are not read back
                sets.append(_APPEND_MINHASH[connection.vendor == "postgresql"])
                values += [MAX_MINHASHES, json.dumps(list(sig.minhash))]
            if article.published < story.first_published:  # the article becomes the lead
                sets += ["first_published = %s", "title = %s", "lead_id = %s"]
                values += [ops.adapt_datetimefield_value(article.published), article.title, article.pk]
            cursor.execute(
                f"UPDATE {table(Story)} SET {', '.join(sets)} WHERE id = %s",  # noqa: S608 - our own SQL
                [*values, story_id],
            )
        cursor.execute(
            f"INSERT INTO {table(StoryMember)} (article_id, story_id, reason, score, shared, "  # noqa: S608
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
                f"INSERT INTO {table(StoryKey)} ({ops.quote_name('key')}, story_id) "  # noqa: S608
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
        article = lookup.unplaced(article_id)
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


def closable(cutoff: datetime) -> list[int]:
    """The open stories quiet since before `cutoff`, through the index on (indexed, last_updated).

    Closing the stories that no article can join any more (`core.closing_time`) deletes their postings,
    so the candidate index holds the open stories only. It changes no placement of an article stored
    within the margin (`keep_hours`) of its publication time; a later one cannot find a closed story
    and starts its own. So it is periodic work, not part of placing an article: the hourly prune job
    (newsdesk/web/retention.py, `stories_batch`) lists them here and closes them with
    `do_close_stories`."""
    rows = Story.objects.filter(indexed=True, last_updated__lt=cutoff).order_by("pk")
    return list(rows.values_list("pk", flat=True))


def do_close_stories(ids: Sequence[int], cutoff: datetime) -> int:
    """Close these stories, unless an article joined one since `cutoff`: `indexed` goes false and their
    postings are deleted. Returns how many closed."""
    closed: list[int] = []
    when = connection.ops.adapt_datetimefield_value(cutoff)
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table(Story)} SET indexed = %s WHERE indexed = %s AND last_updated < %s"  # noqa: S608
                f" AND id IN ({lookup.placeholders(len(chunk))}) RETURNING id",
                [False, True, when, *chunk],
            )
            done = [row[0] for row in cursor.fetchall()]
            if done:
                cursor.execute(
                    f"DELETE FROM {table(StoryKey)} WHERE story_id IN ({lookup.placeholders(len(done))})",  # noqa: S608
                    done,
                )
        closed += done
    return len(closed)


def _assign(
    article: Article, p: core.Params, *, group: str = "", pinned: dict[str, int] | None = None
) -> Placed:
    sig = article_signals(article, p)
    df, n_docs = lookup.frequencies(sig.terms)
    idfs = {t: core.idf(df.get(t, 0), n_docs, p.min_docs) for t in sig.terms}
    keys = core.index_keys(sig, idfs, p)
    loaded: dict[int, lookup.Open] = {}
    if group and pinned is not None and group in pinned:
        decision = core.Decision(pinned[group], 1.0, StoryMember.Reason.STAFF)
    elif group:
        decision = core.Decision(None, 1.0, StoryMember.Reason.STAFF)
    else:
        candidates, loaded = lookup.candidates(core.lookup_keys(keys, df, p), article.published, p)
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
        target.indexed = True  # closed again by the hourly prune if it is quiet
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
