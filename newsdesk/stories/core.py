"""Story clustering, the pure part: an article's signals, and the decision to join a story or start one.

No Django here. The caller supplies what the store knows (document frequencies, the open candidate
stories found through the index) as plain data and gets a plain decision back, so the same code runs
in the database-backed assigner, in `stories rebuild`, in the evaluation and in the benchmark.

Signals of one article:
- terms: the title (counted twice) and the lead, tokenised per language, stop words dropped, stemmed
  with the Snowball stemmer of that language (PyStemmer); the tokeniser is in `terms`;
- named things: the words of capitalised phrases that do not open a sentence, and numbers with their
  unit ("4.9%", "£212m", "40 firefighters" gives "40"), kept unstemmed so they match across languages;
- the publication time: only stories updated within the open window are candidates;
- near-identical text: a MinHash of word 4-shingles of the body (datasketch), for wire copies.
"""

from __future__ import annotations

import hashlib
import math
import operator
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from datasketch import MinHash

from .terms import WORD, base_language, name_phrases, normalise, numbers, tokenise

__all__ = [
    "Candidate",
    "Decision",
    "Params",
    "Signals",
    "decide",
    "index_keys",
    "lookup_keys",
    "signals",
]

NUM_PERM = 64
BANDS = 16  # 16 bands of 4 rows: two copies with a Jaccard of 0.8 share a band with p > 0.99
ROWS = NUM_PERM // BANDS
ENTITY = "@"
NUMBER = "#"
BAND = "~"


@dataclass(frozen=True)
class Params:
    """The tuned knobs (tuned on the tuning half of tests/fixtures/stories only)."""

    join_threshold: float = 0.40  # cosine of the article to the story, at or above which it joins
    near_duplicate: float = 0.7  # estimated Jaccard of the bodies: a copy of a member joins outright
    open_hours: float = 72.0  # a story takes no new article after this long without one
    keep_hours: float = 24.0  # its postings stay this much longer (an article that arrives late finds it)
    entity_weight: float = 2.0  # a named thing counts this much more than an ordinary term
    min_shared_rare: int = 3  # a join needs at least this many shared rare terms or names
    rare_idf: float = 2.0  # "rare": idf at or above this
    index_terms: int = 25  # the heaviest terms of an article that go into the candidate index
    max_candidates: int = 10
    lookup_terms: int = 12  # of those, the rarest that are looked up to find candidates ...
    lookup_df: int = 100  # ... and all that are in at most this many articles (short postings)
    min_shared_names: int = 1  # ... and at least this many shared rare names or numbers
    common_docs: int = 3  # a term in more than this many of the site's articles ...
    common_share: float = 0.1  # ... and in more than this share of them is no evidence of one event
    min_shared_head: int = 1  # within one outlet: rare title words, not names, shared
    min_terms: int = 6  # an article with fewer distinct terms joins only as a near-duplicate
    min_docs: int = 1000  # a floor on the corpus size in idf (see `idf`)
    body_words: int = 80  # words of the body after the lead that count as well
    one_thing_words: int = 5  # one shared named thing and no number: this many shared plain words ...
    one_thing_head_words: int = 1  # ... or this many words of both titles (one more within one outlet)
    many_things: int = 3  # this many shared named things or numbers need no ordinary word ...
    names_only_score: float = 0.8  # ... when the match is this close
    words_only_score: float = 0.65  # no shared name or number: a join needs this cosine ...
    words_only: int = 4  # ... and this many shared ordinary words, one of them in both titles


DEFAULT = Params()


@dataclass
class Signals:
    """What one article brings to clustering."""

    language: str
    terms: Counter[str]  # stems, names (ENTITY prefix) and numbers (NUMBER prefix), with counts
    minhash: tuple[int, ...]  # NUM_PERM values, empty for a body too short to shingle
    published: datetime
    head: frozenset[str] = frozenset()  # title stems that are not names
    source: int | None = None  # the outlet
    named: frozenset[str] = frozenset()  # the stems of its names ("veyra" for "@veyra")
    phrases: tuple[frozenset[str], ...] = ()  # its named things, each as its name words

    def bands(self) -> list[str]:
        if not self.minhash:
            return []
        return [
            f"{BAND}{b}:{hash(self.minhash[b * ROWS : (b + 1) * ROWS]) & 0xFFFFFFFF:x}" for b in range(BANDS)
        ]


@dataclass
class Candidate:
    """An open story as the store knows it: the sum of its members' terms, their MinHashes, its times."""

    story_id: int
    terms: Mapping[str, int]  # read only
    minhashes: list[tuple[int, ...]]
    last_updated: datetime
    size: int = 1
    sources: frozenset[int] = field(default_factory=frozenset)  # the members' outlets
    head: frozenset[str] = field(default_factory=frozenset)  # the members' title stems (not names)


@dataclass(frozen=True)
class Decision:
    story_id: int | None  # None: start a new story
    score: float
    reason: str  # "near-duplicate", "similar", "new"
    shared: tuple[str, ...] = ()


def signals(
    title: str,
    lead: str,
    body: str,
    language: str,
    published: datetime,
    *,
    source: int | None = None,
    params: Params = DEFAULT,
) -> Signals:
    """Title and lead terms, names, numbers and a MinHash of the body."""
    lang = base_language(language)
    terms: Counter[str] = Counter()
    rest = body[len(lead) :] if body.startswith(lead) else body
    rest = " ".join(rest.split()[: params.body_words])
    title_stems = tokenise(title, lang)
    for stem in title_stems:
        terms[stem] += 3
    for stem in tokenise(lead, lang):
        terms[stem] += 2
    for stem in tokenise(rest, lang):
        terms[stem] += 1
    phrases = name_phrases(f"{title}.\n{lead}\n{rest}", lang)
    for phrase in phrases:
        for name in phrase:
            terms[ENTITY + name] += 1
    for number in numbers(f"{title}\n{lead}\n{rest}"):
        terms[NUMBER + number] += 1
    named = set(tokenise(" ".join(t[1:] for t in terms if t[0] == ENTITY), lang))
    return Signals(
        language=lang,
        terms=terms,
        minhash=_minhash(body or lead),
        published=published,
        head=frozenset(title_stems) - named,
        source=source,
        named=frozenset(named),
        phrases=tuple(dict.fromkeys(frozenset(p) for p in phrases)),
    )


def _minhash(text: str) -> tuple[int, ...]:
    words = [w.lower() for w in WORD.findall(normalise(text))]
    if len(words) < 12:
        return ()
    # datasketch's default hash (sha1_hash32: the first 4 bytes of SHA-1, little-endian) computed here in
    # one comprehension, and handed over as numbers (`hashfunc=int`): the same values, without a Python
    # call per shingle.
    sha1, from_bytes = hashlib.sha1, int.from_bytes
    hashed = [
        from_bytes(sha1(" ".join(words[i : i + 4]).encode()).digest()[:4], "little")
        for i in range(len(words) - 3)
    ]
    m = MinHash(num_perm=NUM_PERM, seed=7, hashfunc=int, permutations=_permutations(), scheme="affine32")
    m.update_batch(hashed)
    return tuple(m.hashvalues.tolist())


@lru_cache(maxsize=1)
def _permutations() -> Any:
    """The MinHash permutations, made once (datasketch would draw them again for every object)."""
    return MinHash(num_perm=NUM_PERM, seed=7).permutations


def jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b:
        return 0.0
    return int(sum(map(operator.eq, a, b))) / len(a)


def idf(df: int, n_docs: int, min_docs: int = 0) -> float:
    """Smoothed inverse document frequency. `min_docs` is a floor on the corpus size, so that a new
    site's first articles do not find every word common."""
    return math.log((max(n_docs, min_docs) + 1) / (df + 1)) + 1.0


# A term's tf factor, 1 + log(count), for the counts terms have: looked up, not recomputed for every term of
# every candidate story (about 120 terms each, ten candidates per article).
_TF = {n: 1.0 + math.log(n) for n in range(1, 4096)}
_SPECIAL = ENTITY + NUMBER


def _weights(terms: Mapping[str, int], idfs: Mapping[str, float], params: Params) -> dict[str, float]:
    """A term's weight: (1 + log(count)) × idf (1 for a term the article does not have) × the entity
    weight for a name or number."""
    tf, get, boost, special = _TF, idfs.get, params.entity_weight, _SPECIAL
    try:
        return {
            term: tf[count] * get(term, 1.0) * (boost if term[0] in special else 1.0)
            for term, count in terms.items()
        }
    except KeyError:  # a count outside the table: the formula itself (the same floats)
        log = math.log
        return {
            term: (1.0 + log(count)) * get(term, 1.0) * (boost if term[0] in special else 1.0)
            for term, count in terms.items()
        }


def _norm(weights: Mapping[str, float]) -> float:
    values = weights.values()  # the squares summed in order, as `sum(w * w for w in values)`, in C
    return math.sqrt(sum(map(operator.mul, values, values)))


def _cosine(a: Mapping[str, float], b: Mapping[str, float], a_norm: float | None = None) -> float:
    """The cosine of two weight vectors; `a_norm`, when given, is `_norm(a)` (an article's vector is
    compared with every candidate story: its norm is computed once)."""
    small, large = (b, a) if len(a) > len(b) else (a, b)
    dot = sum(w * large[t] for t, w in small.items() if t in large)
    if not dot:
        return 0.0
    return dot / ((_norm(a) if a_norm is None else a_norm) * _norm(b))


def index_keys(sig: Signals, idfs: Mapping[str, float], params: Params = DEFAULT) -> list[str]:
    """The keys under which an article is found and finds its candidates: its heaviest terms by tf-idf
    (names count extra) and its MinHash bands."""
    weights = _weights(sig.terms, idfs, params)
    rare = sorted(weights, key=lambda t: (-weights[t], t))[: params.index_terms]
    return rare + sig.bands()


def lookup_keys(keys: Sequence[str], df: Mapping[str, int], params: Params = DEFAULT) -> list[str]:
    """The keys an article looks its candidates up under: its MinHash bands and those of its index
    terms that some earlier article had (`df`, document frequency, at least 1; a term no article had
    has no postings) and that are rare: in at most `lookup_df` articles, or else among the
    `lookup_terms` rarest. A rare term's postings are short, so the lookup reads few rows however
    large the index grows; a story about the same event shares rare terms (names, numbers, specific
    words) anyway."""
    terms = sorted((k for k in keys if not k.startswith(BAND) and df.get(k, 0) > 0), key=lambda t: (df[t], t))
    rare = [t for i, t in enumerate(terms) if i < params.lookup_terms or df[t] <= params.lookup_df]
    return rare + [k for k in keys if k.startswith(BAND)]


def common_terms(
    terms: Iterable[str], df: Mapping[str, int], n_docs: int, params: Params = DEFAULT
) -> frozenset[str]:
    """The terms that are common on this site: in more than `common_docs` of its articles and in more
    than `common_share` of them (the region's place names on a small local site, whose articles nearly
    all name them). The idf floor makes them look rare while the site is small; here they are no
    evidence that two articles report one event."""
    limit = max(params.common_docs, params.common_share * n_docs)
    return frozenset(t for t in terms if df.get(t, 0) > limit)


def is_open(last_updated: datetime, now: datetime, params: Params = DEFAULT) -> bool:
    return now - last_updated <= timedelta(hours=params.open_hours)


def closing_time(newest: datetime, now: datetime, params: Params = DEFAULT) -> datetime:
    """Stories quiet since before this are closed and lose their postings, when the newest article placed
    was published at `newest` (`now` at the latest: an article dated in the future closes nothing early).
    The margin (`keep_hours`) lets an article that arrives that late still find its open story. Whole
    hours: the stories of one hour close together, in one statement, and most placements close none."""
    cutoff = min(newest, now) - timedelta(hours=params.open_hours + params.keep_hours)
    return cutoff.replace(minute=0, second=0, microsecond=0)


def decide(
    sig: Signals,
    candidates: Iterable[Candidate],
    idfs: Mapping[str, float],
    params: Params = DEFAULT,
    *,
    common: frozenset[str] = frozenset(),
) -> Decision:
    """Join the best open story, or start a new one.

    A body that is a near copy of a member's joins outright (wire copy under a new headline).
    Otherwise the article joins the story with the highest cosine of idf-weighted terms, when that is
    at least the threshold and they share at least `min_shared_rare` rare terms, not `common` on the
    site, and two kinds of evidence agree: a shared rare name or number (a specific thing), and a
    shared word that is not just a name's stem, or a shared number. A shared town or company alone
    (same place, different event), or topic words without a shared specific thing (same topic,
    different event), is not enough.
    """
    best = Decision(None, 0.0, "new")
    mine = _weights(sig.terms, idfs, params)
    mine_norm = _norm(mine)
    for cand in candidates:
        if not is_open(cand.last_updated, sig.published, params) and cand.last_updated < sig.published:
            continue
        near = max((jaccard(sig.minhash, m) for m in cand.minhashes), default=0.0) if sig.minhash else 0.0
        if near >= params.near_duplicate:
            if best.reason != "near-duplicate" or near > best.score:
                best = Decision(cand.story_id, near, "near-duplicate", ())
            continue
        if best.reason == "near-duplicate" or len(sig.terms) < params.min_terms:
            continue  # too little text to judge by terms (a headline and a line): only a copy joins
        score = _cosine(mine, _weights(cand.terms, idfs, params), mine_norm)
        if score < params.join_threshold or score <= best.score:
            continue
        shared = sorted(
            (
                t
                for t in sig.terms
                if t in cand.terms and t not in common and idfs.get(t, 1.0) >= params.rare_idf
            ),
            key=lambda t: -mine[t],
        )
        plain = [t for t in shared if t[0] == NUMBER or (t[0] != ENTITY and t not in sig.named)]
        named = [t for t in shared if t[0] in (ENTITY, NUMBER)]
        # One outlet's own boilerplate (a standard closing paragraph) must not tie its articles
        # together: within one outlet the titles must share a rare word that is not a name.
        own = sig.source is not None and cand.sources == {sig.source}
        headline = [t for t in sig.head if t in cand.head and idfs.get(t, 1.0) >= params.rare_idf]
        if len(shared) < params.min_shared_rare:
            continue
        if not _evidence(sig, score, shared, plain, named, headline, params, own=own):
            continue
        if own and len(headline) < params.min_shared_head:
            continue
        best = Decision(cand.story_id, score, "similar", tuple(shared[:12]))
    return best


def things(sig: Signals, shared: Iterable[str]) -> int:
    """How many named things and numbers the shared terms amount to. A named thing is one of the
    article's name phrases of which at least half the words are shared: the shared words of one phrase
    count once ("Saltmarsh Ferry" is one place, not two names), and one word of a longer name does not
    make the name shared ("Coast" of "Coast Wildlife Trust" against "Veyra Coast Combined Authority").
    Each shared number counts."""
    names = {t[1:] for t in shared if t[0] == ENTITY}
    count = sum(1 for t in shared if t[0] == NUMBER)
    groups: list[set[str]] = []
    for phrase in sig.phrases:
        words = phrase & names
        if 2 * len(words) < len(phrase) or not words:
            continue
        linked = [g for g in groups if not g.isdisjoint(words)]
        groups = [g for g in groups if g.isdisjoint(words)] + [set(words).union(*linked)]
    return count + len(groups)


def _evidence(
    sig: Signals,
    score: float,
    shared: Sequence[str],
    plain: Sequence[str],
    named: Sequence[str],
    headline: Sequence[str],
    params: Params,
    *,
    own: bool = False,
) -> bool:
    """Whether the shared rare terms are evidence of one event, not just of one place or one topic.

    - Three named things or numbers shared (a prize, its winner and her book) and a close match
      (`names_only_score`): one event, however few ordinary words a brief shares. Not three names
      alone: the region's towns are three named things too.
    - Two: they must share an ordinary word too (a place and a person, plus what happened).
    - One (a village, a weather service): two different events there share it and the words of the
      region or the season, so the article must share the event's own words as well: a word of both
      titles (two within one outlet, whose articles share its patch and its beat: "hill" of the hill
      estates, "sea" of a seaside village), or `one_thing_words` ordinary words.
    - None: only a close match (`words_only_score`) on `words_only` ordinary words, one of them in
      both titles (a brief "Exam glitch" on a computer exam failure that names nobody).
    """
    words = [t for t in plain if t[0] != NUMBER]
    if len(named) < params.min_shared_names:
        return score >= params.words_only_score and bool(headline) and len(words) >= params.words_only
    count = things(sig, shared)
    if count >= params.many_things and score >= params.names_only_score:
        return True
    if not plain:
        return False
    if count >= 2:
        return True
    if len(headline) >= params.one_thing_head_words + int(own):
        return True
    return len(words) >= params.one_thing_words
