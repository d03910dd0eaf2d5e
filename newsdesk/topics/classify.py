"""Mapping an article onto the clean topic set. Pure: no Django, no database.

Input: the feed's raw categories, the title and the text. Output: topic slugs, each with the
reasons it was chosen ("category 'UK Politics'", "title: election"), so a surprising topic can
be explained and the tables in data/topics.json fixed.

Scoring, per topic:
- a feed category equal to one of the topic's category names: 4 (enough on its own);
  a category containing one (e.g. "uk-politics"): 3 (also enough);
- each distinct keyword form in the title: 2 (at most 4);
- each distinct keyword form in the text's first few thousand characters: 1 (at most 4).
A topic needs 3 points; an article gets at most 3 topics, best first.

A passing mention is not a topic. When the feed's categories or the title already name a topic, a topic
found only in the text needs one point more (PASSING_MENTION): a housing story whose text mentions a
doctor's surgery and its patients is not a health story.
Text is compared case-folded and without accents, so "Élections" finds "election*".
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "topics.json"
THRESHOLD = 3
PASSING_MENTION = THRESHOLD + 1  # a text-only topic, beside a topic named by a category or the title
MAX_TOPICS = 3
TEXT_CHARS = 4000  # the lead paragraphs say what a story is about; the rest adds noise and time
_SEPARATORS = re.compile(r"[/>|,;:»›]+")
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Case-folded, accents removed, punctuation to single spaces: 'Élections/UK' -> 'elections uk'."""
    folded = text.casefold()
    if folded.isascii():  # nothing to decompose: most text, and the per-character pass is the cost
        return _NON_WORD.sub(" ", folded).strip()
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare).strip()


@dataclass(frozen=True)
class TopicRule:
    slug: str
    name: str
    description: str
    categories: frozenset[str]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Tables:
    rules: tuple[TopicRule, ...]
    keyword_pattern: re.Pattern[str] | None  # one regex, a named group per topic

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Tables:
        rules = tuple(
            TopicRule(
                slug=item["slug"],
                name=item["name"],
                description=item.get("description", ""),
                categories=frozenset(normalise(c) for c in item.get("categories", []) if normalise(c)),
                keywords=tuple(item.get("keywords", [])),
            )
            for item in data["topics"]
        )
        groups = []
        for index, rule in enumerate(rules):
            alternatives = sorted(
                {_keyword_regex(k) for k in rule.keywords if normalise(k.rstrip("*"))}, key=len
            )
            if alternatives:
                groups.append(f"(?P<t{index}>{'|'.join(reversed(alternatives))})")
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)") if groups else None
        return cls(rules=rules, keyword_pattern=pattern)


def _keyword_regex(keyword: str) -> str:
    prefix = keyword.endswith("*")
    words = normalise(keyword.rstrip("*"))
    return re.escape(words) + (r"\w*" if prefix else "")


@lru_cache(maxsize=1)
def default_tables() -> Tables:
    return Tables.from_data(json.loads(DATA.read_text(encoding="utf-8")))


@dataclass
class TopicMatch:
    slug: str
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def _category_parts(categories: Iterable[str]) -> list[tuple[str, str]]:
    """(original, normalised) for each category and each part of a hierarchical one ("News > Politics")."""
    parts = []
    for raw in categories:
        if not isinstance(raw, str):
            continue
        pieces = [raw, *_SEPARATORS.split(raw)]
        for piece in dict.fromkeys(p.strip() for p in pieces):
            folded = normalise(piece)
            if folded:
                parts.append((raw.strip(), folded))
    return parts


def _score_categories(tables: Tables, categories: Sequence[str], matches: dict[str, TopicMatch]) -> None:
    for original, folded in _category_parts(categories):
        padded = f" {folded} "
        for rule in tables.rules:
            if folded in rule.categories:
                points = 4
            elif any(f" {name} " in padded and (" " in name or len(name) >= 5) for name in rule.categories):
                points = 3
            else:
                continue
            match = matches.setdefault(rule.slug, TopicMatch(rule.slug))
            reason = f"category '{original}'"
            if reason not in match.reasons:
                match.score += points
                match.reasons.append(reason)


def _score_keywords(
    tables: Tables, text: str, where: str, weight: int, cap: int, matches: dict[str, TopicMatch]
) -> None:
    if tables.keyword_pattern is None or not text:
        return
    found: dict[int, list[str]] = {}
    for hit in tables.keyword_pattern.finditer(normalise(text)):
        index = int((hit.lastgroup or "t0")[1:])
        forms = found.setdefault(index, [])
        if hit.group(0) not in forms:
            forms.append(hit.group(0))
    for index, forms in found.items():
        rule = tables.rules[index]
        match = matches.setdefault(rule.slug, TopicMatch(rule.slug))
        match.score += min(cap, weight * len(forms))
        match.reasons.append(f"{where}: {', '.join(forms[:5])}")


def classify(
    categories: Sequence[str], title: str, text: str, *, tables: Tables | None = None
) -> list[TopicMatch]:
    """The topics an article belongs to, best first, with the reasons."""
    tables = tables or default_tables()
    matches: dict[str, TopicMatch] = {}
    _score_categories(tables, categories, matches)
    _score_keywords(tables, title, "title", 2, 4, matches)
    _score_keywords(tables, text[:TEXT_CHARS], "text", 1, 4, matches)
    order = {rule.slug: i for i, rule in enumerate(tables.rules)}
    chosen = [m for m in matches.values() if m.score >= THRESHOLD]
    if any(not _text_only(m) for m in chosen):
        chosen = [m for m in chosen if not _text_only(m) or m.score >= PASSING_MENTION]
    chosen.sort(key=lambda m: (-m.score, order[m.slug]))
    return chosen[:MAX_TOPICS]


def _text_only(match: TopicMatch) -> bool:
    """Found only in the text: no feed category and no title word named it."""
    return all(reason.startswith("text: ") for reason in match.reasons)


def topic_slugs(
    categories: Sequence[str], title: str, text: str, *, tables: Tables | None = None
) -> list[str]:
    return [m.slug for m in classify(categories, title, text, tables=tables)]
