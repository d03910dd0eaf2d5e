"""Extraction quality against hand-written ground truth, the way trafilatura's evaluation does it.

Main text: bag-of-words precision and recall of the extracted text against the true body (tokens are
lower-cased words), summed over pages (micro-average), then F1. Title: equal after normalising case
and spacing. Date: the same calendar day. Byline: the same set of names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.extract.corpus import Page, Truth

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Guess:
    """What one extractor said about one page, reduced to what we score."""

    text: str
    title: str | None
    date: str | None  # YYYY-MM-DD
    authors: tuple[str, ...]


@dataclass
class Score:
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    titles: int = 0
    dates: int = 0
    bylines: int = 0
    pages: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, guess: Guess, truth: Truth) -> None:
        got, want = Counter(tokens(guess.text)), Counter(tokens(truth.text))
        common = sum((got & want).values())
        self.true_pos += common
        self.false_pos += sum(got.values()) - common
        self.false_neg += sum(want.values()) - common
        self.pages += 1
        checks = {
            "title": norm(guess.title) == norm(truth.title),
            "date": guess.date == truth.date,
            "byline": {norm(a) for a in guess.authors} == {norm(a) for a in truth.authors},
        }
        self.titles += checks["title"]
        self.dates += checks["date"]
        self.bylines += checks["byline"]
        self.misses.extend(f"{name}: {what}" for what, ok in checks.items() if not ok)

    @property
    def precision(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_pos)

    @property
    def recall(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_neg)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self, label: str) -> str:
        n = max(1, self.pages)
        return (
            f"| {label} | {self.pages} | {self.precision:.3f} | {self.recall:.3f} | {self.f1:.3f} "
            f"| {self.titles / n:.0%} | {self.dates / n:.0%} | {self.bylines / n:.0%} |"
        )


HEADER = (
    "| extractor | pages | precision | recall | F1 | title | date | byline |\n"
    "|---|---|---|---|---|---|---|---|"
)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def norm(value: str | None) -> str:
    return " ".join((value or "").casefold().replace("’", "'").split()).rstrip(".")


def evaluate(pages: list[Page], extractor: Callable[[bytes], Guess]) -> Score:
    score = Score()
    for page in pages:
        assert page.truth is not None
        score.add(page.name, extractor(page.content), page.truth)
    return score
