"""The placement's speed-ups change no decision: each short cut gives the same numbers, in the same order,
as the plain computation it replaced (written out here as the reference)."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from datasketch import MinHash

from bench.stories.synthetic import stream
from newsdesk.stories import core
from newsdesk.stories.memory import MemoryIndex, _ranked
from newsdesk.stories.terms import WORD, normalise

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _plain_weights(terms: dict[str, Any], idfs: dict[str, float]) -> dict[str, float]:
    boost = core.DEFAULT.entity_weight
    return {
        t: (1.0 + math.log(c)) * idfs.get(t, 1.0) * (boost if t[0] in (core.ENTITY, core.NUMBER) else 1.0)
        for t, c in terms.items()
    }


def _plain_cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    if not dot:
        return 0.0
    return dot / (math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values())))


@pytest.mark.parametrize("count", [1, 2, 7, 4095, 4096, 10**6, 2.0, 2.5])
def test_a_terms_weight_is_the_formulas_float_for_any_count(count: float) -> None:
    """The tf factor comes from a table for the usual counts and from the formula otherwise: the same
    float either way (a count the table lacks, a float count)."""
    terms: dict[str, Any] = {"harbour": count, "@veyra": count, "#40%": count, "quay": 3}
    idfs = {"harbour": 2.75, "@veyra": 5.5}
    assert core._weights(terms, idfs, core.DEFAULT) == _plain_weights(terms, idfs)


def test_a_count_of_zero_still_fails_as_the_formula_does() -> None:
    with pytest.raises(ValueError, match="math domain error"):
        core._weights({"harbour": 0}, {}, core.DEFAULT)


def test_the_cosine_with_the_articles_norm_given_is_the_plain_cosine() -> None:
    """The article's norm is computed once per placement and passed in; either vector may be the
    shorter one (the dot product runs over the shorter, as before)."""
    mine = _plain_weights({"harbour": 3, "@veyra": 1, "crane": 2}, {"harbour": 2.2, "@veyra": 4.1})
    short = _plain_weights({"harbour": 5, "crane": 1}, {"harbour": 2.2})
    long = _plain_weights({f"w{i}": i + 1 for i in range(9)} | {"harbour": 2, "@veyra": 3}, {"harbour": 2.2})
    for theirs in (short, long, {"other": 1.0}):
        assert core._cosine(mine, theirs, core._norm(mine)) == _plain_cosine(mine, theirs)
        assert core._cosine(mine, theirs) == _plain_cosine(mine, theirs)


def test_the_minhash_is_datasketchs_with_its_default_hash() -> None:
    """The shingles are hashed in one comprehension and handed over as numbers: the same values as
    datasketch hashing each shingle with its own default (sha1_hash32)."""
    text = " ".join(f"word{i % 37} other{i % 11}" for i in range(60))
    words = [w.lower() for w in WORD.findall(normalise(text))]
    plain = MinHash(num_perm=core.NUM_PERM, seed=7, scheme="affine32")
    plain.update_batch([" ".join(words[i : i + 4]).encode() for i in range(len(words) - 3)])
    assert core._minhash(text) == tuple(int(v) for v in plain.hashvalues)


def test_decide_on_a_synthetic_stream_matches_the_plain_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every decision of a dense stream, with the plain weights and cosine put back, is the same:
    the story, the reason, the score to the last bit and the shared terms."""
    items = stream(500, seed=5, days=2)

    def run() -> list[core.Decision]:
        index = MemoryIndex()
        out = []
        for item in items:
            sig = core.signals(item.title, item.lead, item.text, "en", item.published, source=item.id % 5)
            out.append(index.assign(str(item.id), sig))
        return out

    fast = run()
    monkeypatch.setattr(core, "_weights", lambda terms, idfs, params: _plain_weights(dict(terms), dict(idfs)))
    monkeypatch.setattr(core, "_cosine", lambda a, b, a_norm=None: _plain_cosine(dict(a), dict(b)))
    assert run() == fast
    assert sum(d.reason == "similar" for d in fast) > 50  # the stream has joins to compare


def test_signals_count_the_title_three_times_and_keep_its_words_as_the_head() -> None:
    sig = core.signals(
        "Harbour crane collapses at Veyra docks",
        "A crane fell onto the quay at the Veyra container terminal.",
        "",
        "en",
        T0,
    )
    assert sig.terms["crane"] == 3 + 2  # the title's weight, then the lead's
    assert sig.terms["harbour"] == 3
    assert sig.head == frozenset({"harbour", "crane", "collaps", "dock"})


def test_ranked_hits_are_most_common_in_order_ties_first_counted_first() -> None:
    """The in-memory lookup takes the best few stories first and sorts the rest only when it needs
    them: the same sequence as `most_common()`, ties in the order first counted."""
    hits: Counter[int] = Counter()
    for story in [5, 3, 9, 3, 1, 7, 9, 9, 2, 8, 4, 6, 5, *range(10, 60)]:
        hits[story] += 1
    assert list(_ranked(hits, 4)) == hits.most_common()
    assert list(_ranked(hits, 100)) == hits.most_common()
    assert list(_ranked(Counter(), 4)) == []


def test_the_in_memory_lookup_finds_the_stories_the_plain_walk_finds() -> None:
    """Counting the postings in C (`Counter.update`) and ranking lazily gives the candidates, in the
    order, that walking every posting and sorting every hit gave."""

    class Plain(MemoryIndex):
        def candidates(self, keys: list[str], now: datetime) -> list[core.Candidate]:
            hits: Counter[int] = Counter()
            banded: set[int] = set()
            for key in keys:
                for story_id in self.postings.get(key, ()):
                    hits[story_id] += 1
                    if key.startswith(core.BAND):
                        banded.add(story_id)
            out = []
            for story_id, _ in hits.most_common():
                story = self.stories[story_id]
                assert story.last_updated is not None
                if not core.is_open(story.last_updated, now, self.params) and story.last_updated < now:
                    continue
                out.append(
                    core.Candidate(
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

    items = stream(400, seed=9, days=2)
    fast, plain = MemoryIndex(), Plain()
    found = 0
    for item in items:
        sig = core.signals(item.title, item.lead, item.text, "en", item.published, source=item.id % 5)
        keys = core.lookup_keys(core.index_keys(sig, fast.idfs(sig.terms), fast.params), fast.df)
        a = fast.candidates(keys, sig.published)
        b = plain.candidates(keys, sig.published)
        assert [(c.story_id, c.minhashes) for c in a] == [(c.story_id, c.minhashes) for c in b]
        found += len(a)
        for index in (fast, plain):
            index.assign(str(item.id), sig)
    assert fast.assignment == plain.assignment
    assert found > 400  # lookups with many hits, where the lazy ranking matters
