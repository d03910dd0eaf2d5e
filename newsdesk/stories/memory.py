"""An in-memory story index with the same shape as the database one: document frequencies, an inverted
index of rare terms and MinHash bands over open stories, and the stories' summed terms. Used by the
evaluation, the benchmark and the tests; pure."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .core import (
    BAND,
    DEFAULT,
    Candidate,
    Decision,
    Params,
    Signals,
    closing_time,
    common_terms,
    decide,
    idf,
    index_keys,
    is_open,
    lookup_keys,
)


@dataclass
class _Story:
    id: int
    terms: Counter[str] = field(default_factory=Counter)
    minhashes: list[tuple[int, ...]] = field(default_factory=list)
    last_updated: datetime | None = None
    members: list[str] = field(default_factory=list)
    sources: set[int] = field(default_factory=set)
    head: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  # its postings, while it is open


def _ranked(hits: Counter[int], first: int) -> Iterator[tuple[int, int]]:
    """`hits.most_common()`, in the same order (ties in the order first counted), without sorting every
    story that shares a key when the first few are enough: the best `first`, then the rest."""
    top = hits.most_common(first)  # heapq.nlargest: the same as the full sort's first `first`
    yield from top
    if len(top) < len(hits):
        yield from hits.most_common()[len(top) :]


class MemoryIndex:
    def __init__(self, params: Params = DEFAULT) -> None:
        self.params = params
        self.df: Counter[str] = Counter()
        self.n_docs = 0
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.stories: dict[int, _Story] = {}
        self.assignment: dict[str, int] = {}
        self._quiet: list[tuple[datetime, int]] = []  # (last_updated, story) as placed: what may close

    def prime(self, background: list[Signals]) -> None:
        """Count document frequencies from a background corpus (without clustering it)."""
        for sig in background:
            self.n_docs += 1
            self.df.update(sig.terms.keys())

    def idfs(self, terms: Counter[str]) -> dict[str, float]:
        return {t: idf(self.df.get(t, 0), self.n_docs, self.params.min_docs) for t in terms}

    def close(self, newest: datetime) -> None:
        """Drop the postings of the stories that no article can join any more, as the database index
        does (the prune job's stories batch, newsdesk/web/retention.py): the lookups stay as short as the
        open stories are few."""
        cutoff = closing_time(newest, datetime.now(UTC), self.params)
        while self._quiet and self._quiet[0][0] < cutoff:
            when, story_id = heapq.heappop(self._quiet)
            story = self.stories[story_id]
            if story.last_updated != when:
                continue  # updated since: a later entry stands for it
            for key in story.keys:
                postings = self.postings[key]
                postings.discard(story_id)
                if not postings:
                    del self.postings[key]
            story.keys.clear()

    def candidates(self, keys: list[str], now: datetime) -> list[Candidate]:
        hits: Counter[int] = Counter()
        banded: set[int] = set()  # stories sharing a MinHash band: only their MinHashes are compared
        for key in keys:
            postings = self.postings.get(key)
            if postings:
                hits.update(postings)  # counted in C, in the order the loop over them would
                if key.startswith(BAND):
                    banded.update(postings)
        out = []
        for story_id, _ in _ranked(hits, 4 * self.params.max_candidates):
            story = self.stories[story_id]
            assert story.last_updated is not None
            if not is_open(story.last_updated, now, self.params) and story.last_updated < now:
                continue
            out.append(
                Candidate(
                    story_id,
                    story.terms,
                    story.minhashes if story_id in banded else [],
                    story.last_updated,
                    len(story.members),
                    frozenset(story.sources),
                    frozenset(story.head),
                )
            )
            if len(out) >= self.params.max_candidates:
                break
        return out

    def assign(self, article_id: str, sig: Signals) -> Decision:
        idfs = self.idfs(sig.terms)
        keys = index_keys(sig, idfs, self.params)
        decision = decide(
            sig,
            self.candidates(lookup_keys(keys, self.df, self.params), sig.published),
            idfs,
            self.params,
            common=common_terms(sig.terms, self.df, self.n_docs, self.params),
        )
        story_id = decision.story_id
        if story_id is None:
            story_id = len(self.stories) + 1
            self.stories[story_id] = _Story(story_id)
        self._add(story_id, article_id, sig, keys)
        self.close(sig.published)
        return decision

    def _add(self, story_id: int, article_id: str, sig: Signals, keys: list[str]) -> None:
        story = self.stories[story_id]
        story.terms.update(sig.terms)
        if sig.minhash:
            story.minhashes.append(sig.minhash)
        if story.last_updated is None or sig.published > story.last_updated:
            story.last_updated = sig.published
        story.members.append(article_id)
        if sig.source is not None:
            story.sources.add(sig.source)
        story.head.update(sig.head)
        self.assignment[article_id] = story_id
        for key in keys:
            self.postings[key].add(story_id)
        story.keys.update(keys)
        heapq.heappush(self._quiet, (story.last_updated, story_id))
        self.n_docs += 1
        self.df.update(sig.terms.keys())
