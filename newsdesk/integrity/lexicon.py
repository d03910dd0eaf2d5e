"""The spam keyword lists (keywords/*.toml) as one matcher. Pure; loaded once per process.

All terms go into one Aho-Corasick automaton (ahocorasick-rs, in Rust), so a text is scanned once
whatever the number of terms: a compiled regular expression of the same ~600 alternatives took
about 4 ms per article, the automaton takes microseconds (docs/decisions/0003). Matches are
leftmost-longest, so "slot gacor" wins over "slot" where both match. Terms in Latin (or other
spaced) scripts must stand as whole words; Chinese, Japanese or Thai terms match anywhere, since
those scripts put no spaces between words.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs

KEYWORDS_DIR = Path(__file__).resolve().parent / "keywords"
CATEGORIES = ("gambling", "pharma", "counterfeit", "cta")
TIERS = ("promo", "topic")

# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, kana, Han, half-width kana.
_UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\uff66-\uff9f]"
)


@dataclass(frozen=True)
class Term:
    text: str  # normalised
    category: str
    tier: str
    language: str


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int
    end: int


def normalize(text: str) -> str:
    """What matching sees: NFKC (full-width letters become ASCII), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class Lexicon:
    """All terms of all lists, and the automaton that finds them."""

    def __init__(self, terms: Iterable[Term]) -> None:
        by_text: dict[str, Term] = {}
        for term in terms:
            known = by_text.get(term.text)
            # A term listed twice keeps its stronger tier ("gacor" is promo everywhere).
            if known is None or (known.tier == "topic" and term.tier == "promo"):
                by_text[term.text] = term
        self.terms = by_text
        self._patterns = list(by_text)
        self._spaced = [not _UNSPACED.search(text) for text in self._patterns]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self._patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
            if self._patterns
            else None
        )

    def occurs(self, text: str) -> bool:
        """Whether any term occurs in `text` at all, whole word or not: when none does, no part of
        `text` can hold one either (`find` on a part only ever finds what occurs in the whole)."""
        return (
            self._automaton is not None and bool(text) and bool(self._automaton.find_matches_as_indexes(text))
        )

    def find(self, text: str) -> list[Hit]:
        """Every non-overlapping term in `text` (`normalize`d, spaces collapsed), left to right."""
        if self._automaton is None or not text:
            return []
        hits = []
        for index, start, end in self._automaton.find_matches_as_indexes(text):
            if self._spaced[index] and not _whole_word(text, start, end):
                continue
            hits.append(Hit(self.terms[self._patterns[index]], start, end))
        return hits


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


def load_terms(folder: Path = KEYWORDS_DIR) -> list[Term]:
    """Read every <language>.toml in `folder`. A malformed file is a programming error: it raises."""
    terms = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for category, tiers in data.items():
            if category not in CATEGORIES or not isinstance(tiers, dict):
                raise ValueError(f"{path.name}: unknown category [{category}]")
            for tier, words in tiers.items():
                if tier not in TIERS or not isinstance(words, list):
                    raise ValueError(f"{path.name}: [{category}] has an unknown tier {tier!r}")
                for word in words:
                    text = " ".join(normalize(str(word)).split())
                    if text:
                        terms.append(Term(text, category, tier, path.stem))
    return terms


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon(load_terms())


@dataclass(frozen=True)
class Tally:
    """The terms found in a text, counted."""

    hits: tuple[Hit, ...]

    def count(self, *, tier: str | None = None, category: str | None = None) -> int:
        return sum(1 for h in self.hits if _wanted(h.term, tier, category))

    def distinct(self, *, tier: str | None = None, category: str | None = None) -> list[str]:
        seen = Counter(h.term.text for h in self.hits if _wanted(h.term, tier, category))
        return [text for text, _ in seen.most_common()]

    def categories(self, tier: str | None = None) -> list[str]:
        found = Counter(h.term.category for h in self.hits if _wanted(h.term, tier, None))
        return [c for c, _ in found.most_common() if c != "cta"]


def _wanted(term: Term, tier: str | None, category: str | None) -> bool:
    return (tier is None or term.tier == tier) and (category is None or term.category == category)
