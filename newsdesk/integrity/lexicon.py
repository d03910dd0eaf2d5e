"""The spam keyword lists (keywords/*.toml) as one matcher. Pure; loaded once per process.

Every term becomes one alternative of a single compiled regular expression, longest first, so a
text is scanned once whatever the number of terms, and "slot gacor" wins over "slot" where both
match. Terms in Latin (or other spaced) scripts match whole words only; Chinese and Japanese
terms match anywhere, since those scripts do not put spaces between words.
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

KEYWORDS_DIR = Path(__file__).resolve().parent / "keywords"
CATEGORIES = ("gambling", "pharma", "counterfeit", "cta")
TIERS = ("promo", "topic")

# Han, kana and fullwidth forms: scripts written without spaces between words.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")


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
    """What matching sees: NFKC (full-width letters become ASCII) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


class Lexicon:
    """All terms of all lists, and one regex that finds them."""

    def __init__(self, terms: Iterable[Term]) -> None:
        by_text: dict[str, Term] = {}
        for term in terms:
            known = by_text.get(term.text)
            # A term listed twice keeps its stronger tier ("gacor" is promo everywhere).
            if known is None or (known.tier == "topic" and term.tier == "promo"):
                by_text[term.text] = term
        self.terms = by_text
        ordered = sorted(by_text, key=len, reverse=True)
        self._pattern = re.compile("|".join(_term_pattern(t) for t in ordered)) if ordered else None

    def find(self, text: str) -> list[Hit]:
        """Every non-overlapping term in `text` (already `normalize`d), left to right."""
        if self._pattern is None or not text:
            return []
        hits = []
        for match in self._pattern.finditer(text):
            key = " ".join(match.group().split())
            term = self.terms.get(key)
            if term is not None:
                hits.append(Hit(term, match.start(), match.end()))
        return hits


def _term_pattern(term: str) -> str:
    words = [re.escape(word) for word in term.split()]
    body = r"\s+".join(words)
    if _UNSPACED.search(term):
        return body
    return rf"(?<!\w){body}(?!\w)"


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
