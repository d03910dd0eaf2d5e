"""Every write to stories goes through here, one transaction each.

`do_assign_story` is the online path: one article's signals, its candidates from the database index
(an inverted index of heavy terms and MinHash bands, `StoryKey`), the pure decision, and the writes.
Staff decisions (`do_split_story`, `do_merge_stories`) pin articles together in a `group` that the
algorithm never overrides, and `do_rebuild` re-clusters everything while keeping those groups.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce

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


def _idfs(terms: Iterable[str], p: core.Params) -> dict[str, float]:
    wanted = [*terms, DOCS]
    df = dict(TermFrequency.objects.filter(term__in=wanted).values_list("term", "df"))
    n_docs = df.pop(DOCS, 0)
    return {t: core.idf(df.get(t, 0), n_docs, p.min_docs) for t in wanted if t != DOCS}


def _candidates(
    keys: Sequence[str], now: datetime, p: core.Params
) -> tuple[list[core.Candidate], dict[int, Story]]:
    """The open stories that share the most keys with the article (at least two, or one MinHash band)."""
    since = now - timedelta(hours=p.open_hours)
    bands = [k for k in keys if k.startswith(core.BAND)]
    hits = (
        StoryKey.objects.filter(key__in=list(keys), story__last_updated__gte=since)
        .values("story_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-story_id")[: p.max_candidates]
    )
    ids = [row["story_id"] for row in hits if row["n"] >= 2]
    if bands:
        ids += StoryKey.objects.filter(key__in=bands, story__last_updated__gte=since).values_list(
            "story_id", flat=True
        )[:5]
    stories = {
        s.pk: s
        for s in Story.objects.filter(pk__in=set(ids)).only(
            "id", "terms", "minhashes", "source_ids", "head", "first_published", "last_updated"
        )
    }
    return [
        core.Candidate(
            s.pk,
            Counter(s.terms),
            [tuple(m) for m in s.minhashes],
            s.last_updated,
            sources=frozenset(s.source_ids),
            head=frozenset(s.head),
        )
        for s in stories.values()
    ], stories


def _count_terms(terms: Iterable[str]) -> None:
    rows = [*terms, DOCS]
    table = connection.ops.quote_name(TermFrequency._meta.db_table)
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
    loaded: dict[int, Story] | None = None,
) -> Placed:
    """Write one article into the story of `decision` (or a new one), with its keys and counts."""
    created = decision.story_id is None
    if decision.story_id is None:
        story = Story.objects.create(
            title=article.title,
            lead=article,
            first_published=article.published,
            last_updated=article.published,
            terms=dict(sig.terms.most_common(MAX_TERMS)),
            minhashes=[list(sig.minhash)] if sig.minhash else [],
            source_ids=[article.source_id],
            head=sorted(sig.head),
            article_count=1,
            source_count=1,
        )
    else:
        story = (loaded or {}).get(decision.story_id) or Story.objects.get(pk=decision.story_id)
        terms = Counter(story.terms)
        terms.update(sig.terms)
        story.terms = dict(terms.most_common(MAX_TERMS))
        if sig.minhash and len(story.minhashes) < MAX_MINHASHES:
            story.minhashes = [*story.minhashes, list(sig.minhash)]
        if article.published < story.first_published:
            story.first_published, story.lead_id = article.published, article.pk
        story.last_updated = max(story.last_updated, article.published)
        story.head = sorted(set(story.head) | sig.head)
        new_source = article.source_id not in story.source_ids
        if new_source:
            story.source_ids = [*story.source_ids, article.source_id]
    StoryMember.objects.create(
        article=article,
        story=story,
        reason=decision.reason,
        score=round(decision.score, 4),
        shared=list(decision.shared),
        group=group,
    )
    if not created:
        Story.objects.filter(pk=story.pk).update(
            terms=story.terms,
            minhashes=story.minhashes,
            source_ids=story.source_ids,
            head=story.head,
            first_published=story.first_published,
            last_updated=story.last_updated,
            title=Coalesce(Value(article.title if story.lead_id == article.pk else None), F("title")),
            lead=Coalesce(Value(article.pk if story.lead_id == article.pk else None), F("lead")),
            article_count=F("article_count") + 1,
            source_count=F("source_count") + int(new_source),
        )
    StoryKey.objects.bulk_create([StoryKey(key=k[:100], story=story) for k in keys], ignore_conflicts=True)
    _count_terms(sig.terms.keys())
    return Placed(article.pk, story.pk, created, decision)


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
        article = Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED).first()
        if article is None or StoryMember.objects.filter(article_id=article_id).exists():
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
    idfs = _idfs(sig.terms, p)
    keys = core.index_keys(sig, idfs, p)
    loaded: dict[int, Story] = {}
    if group and pinned is not None and group in pinned:
        decision = core.Decision(pinned[group], 1.0, StoryMember.Reason.STAFF)
    elif group:
        decision = core.Decision(None, 1.0, StoryMember.Reason.STAFF)
    else:
        candidates, loaded = _candidates(keys, article.published, p)
        decision = core.decide(sig, candidates, idfs, p)
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
    story.terms, story.minhashes = dict(terms.most_common(MAX_TERMS)), minhashes
    story.source_ids = sorted({a.source_id for a in articles})
    story.head = sorted(set().union(*(article_signals(a, p).head for a in articles)))
    if articles:
        story.first_published = articles[0].published
        story.last_updated = max(a.published for a in articles)
    _recount(story)
    story.save()


# ---- rebuild ----------------------------------------------------------------------------------------
def do_rebuild(*, progress: Callable[[int], None] | None = None, batch: int = 500) -> int:
    """Re-cluster every published article in publication order. Staff groups are kept: articles of one
    group share a story again and the algorithm never places them. Returns how many were placed."""
    p = params()
    groups = dict(StoryMember.objects.exclude(group="").values_list("article_id", "group"))
    with transaction.atomic():
        StoryKey.objects.all().delete()
        StoryMember.objects.all().delete()
        Story.objects.all().delete()
        TermFrequency.objects.all().delete()
    pinned: dict[str, int] = {}
    placed = 0
    ids = list(Article.objects.published().order_by("published", "id").values_list("id", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            for article in Article.objects.filter(pk__in=chunk).order_by("published", "id"):
                _assign(article, p, group=groups.get(article.pk, ""), pinned=pinned)
                placed += 1
        if progress:
            progress(len(chunk))
    return placed
