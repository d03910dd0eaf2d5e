"""Turning what a reader typed into plain search terms. Pure; no Django, no database.

Readers type anything: nothing, punctuation, a pasted page, or FTS syntax such as `"AND OR NEAR(`.
We never hand their text to a query language. We keep only words (letters and digits, any script)
and "quoted phrases", and each backend writes its own syntax from those. What we had to drop or
cut is told back as one helpful sentence (`problem`), never as an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_CHARS = 300  # longer input is cut before it is even looked at
MAX_TERMS = 12  # words and phrases searched at most
MAX_TERM_CHARS = 60  # a "word" longer than this is noise (a pasted hash or URL)

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ParsedQuery:
    """Words to find (all of them), and phrases (each a run of words in order)."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    problem: str = ""

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases

    def display(self) -> str:
        """The query as we understood it, for "Results for …"."""
        parts = [" ".join(p).join('""') for p in self.phrases] + list(self.words)
        return " ".join(parts)


def _words(text: str) -> list[str]:
    found = []
    for match in _WORD.findall(text):
        word = match.strip("_")
        if word and len(word) <= MAX_TERM_CHARS:
            found.append(word)
    return found


def _clean(text: str) -> str:
    # NFC so that "é" typed two ways is one word; drop control characters (NUL, bidi overrides, ...).
    text = unicodedata.normalize("NFC", text)
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def parse_query(text: str | None) -> ParsedQuery:
    raw = _clean(text or "").strip()
    if not raw:
        return ParsedQuery(problem=_("Type a word or two to search the news."))
    problems: list[str] = []
    if len(raw) > MAX_CHARS:
        raw = raw[:MAX_CHARS]
        problems.append(_("That search was very long, so only its beginning was used."))
    pieces = raw.split('"')
    if len(pieces) % 2 == 0:  # an odd number of quote marks: the last one opens nothing
        pieces = [*pieces[:-2], pieces[-2] + " " + pieces[-1]]
        problems.append(_("A quotation mark was left open, so its words were searched one by one."))
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for index, piece in enumerate(pieces):
        found = _words(piece)
        if index % 2 == 1 and len(found) > 1:
            phrases.append(tuple(found))
        else:
            words.extend(found)
    # Keep the order, drop repeats (case-insensitively).
    seen: set[str] = set()
    unique_words = []
    for word in words:
        if word.casefold() not in seen:
            seen.add(word.casefold())
            unique_words.append(word)
    if len(unique_words) + len(phrases) > MAX_TERMS:
        problems.append(_("Only the first %(n)d words were searched.") % {"n": MAX_TERMS})
        phrases = phrases[:MAX_TERMS]
        unique_words = unique_words[: max(0, MAX_TERMS - len(phrases))]
    if not unique_words and not phrases:
        return ParsedQuery(problem=_("There were no words to search for. Try a word from a headline."))
    return ParsedQuery(words=tuple(unique_words), phrases=tuple(phrases), problem=" ".join(problems))
