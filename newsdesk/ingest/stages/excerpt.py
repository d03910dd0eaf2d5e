"""The excerpt shown for a story: its lead, cut cleanly. Pure; no Django here.

An excerpt is one run of prose on a card, so whitespace (paragraph breaks
included) is collapsed to single spaces. It never has more than `words` words;
it ends at a sentence boundary when one falls in the last third of that budget,
else at a word boundary, and a cut excerpt ends in "…" with no punctuation left
dangling before it. Chinese and Japanese have no spaces, so each of their
characters counts as a word.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
_SPACE = re.compile(r"\s+")
_HAS_CJK = re.compile(rf"[{_CJK}]")
# A sentence ends in one of these, perhaps followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…。！？؟।][\"'”’»)\]」』]*$")
# Trailing characters that must not stand before the ellipsis.
_DANGLING = ".,;:!?…-–—·/\\|&([{\"'“‘«„「『،؛。，、；：！？؟ "
_ABBREVIATIONS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "sr.", "jr.", "vs.", "etc.", "e.g.", "i.e.", "no.", "u.s.",
     "u.k.", "inc.", "ltd.", "co.", "gen.", "gov.", "sen.", "rep.", "jan.", "feb.", "aug.", "sept.", "oct.",
     "nov.", "dec.", "approx.", "dept.", "fig.", "p.m.", "a.m."}
)  # fmt: skip


def make_excerpt(text: str, words: int = 60) -> str:
    """The lead of `text`, at most `words` words, cut at a sentence or word boundary."""
    flat = " ".join(text.split())  # str.split() and re's \s part on the same (Unicode) whitespace
    # Without CJK, the words are what single spaces part (a stored excerpt, shown on every page, mostly fits).
    if flat.count(" ") < words and not _HAS_CJK.search(flat):
        return flat
    tokens = list(_TOKEN.finditer(flat))
    if len(tokens) <= words:
        return flat
    if words <= 0:
        return ""
    cut = _sentence_cut(flat, tokens, words)
    if cut is None:
        cut = tokens[words - 1].end()
    return flat[:cut].rstrip(_DANGLING) + ELLIPSIS


def _sentence_cut(flat: str, tokens: list[re.Match[str]], words: int) -> int | None:
    """End offset of the last sentence that ends within the last third of the budget."""
    earliest = max(1, (2 * words) // 3)
    for index in range(words - 1, earliest - 2, -1):
        token = tokens[index]
        if _ends_sentence(token.group(), tokens[index + 1].group()):
            return token.end()
    return None


def _ends_sentence(token: str, following: str) -> bool:
    if not _SENTENCE_END.search(token):
        return False
    if token.lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]\.", token):
        return False  # "Dr. Ruiz", "J. Smith": not the end of a sentence
    first = following[0]
    # The next sentence starts with a capital, a digit, a quote, or a letter of a script without case.
    return not first.islower()
