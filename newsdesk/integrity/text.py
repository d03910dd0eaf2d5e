"""Text measures the detectors share: words, quoted mentions, topic overlap, language. Pure.

Language identification uses the one guesser (newsdesk/markup/language.py: script and stop words first,
falling back to py3langid), whose model ships inside the package: no download, no network. py3langid costs
a second or two to load, so callers only ask when some other signal already fired.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsdesk.integrity.lexicon import Lexicon, Tally, normalize
from newsdesk.markup.language import detect_language as guess
from newsdesk.markup.language import primary_tag

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_LATIN_WORD = re.compile(rf"[^\W{_CJK}]+")
# A quoted span: “…”, "…", «…», „…“, 「…」, 『…』, or '…' between spaces. Short ones only: a quoted
# term or phrase, not a page.
_QUOTED = re.compile(
    r"“[^”\n]{1,120}”|\"[^\"\n]{1,120}\"|«[^»\n]{1,120}»|„[^“”\n]{1,120}[“”]|「[^」\n]{1,120}」"
    r"|『[^』\n]{1,120}』|‘[^’\n]{1,120}’|(?<![\w'])'[^'\n]{1,120}'(?![\w'])"
)
_STOPWORD_TEXT = """
a an the and or but of to in on at by for with from as is are was were be been being it its this that these
those he she they we you i his her their our your has have had will would can could may might not no yes said
says say also after before over under into about than then there here who what which when where why how all
any some more most other such only own same so too very just one two three new year years day days week weeks
month months time people
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def words(text: str) -> int:
    """How many words `text` holds; each Chinese or Japanese character counts as half a word."""
    return len(_LATIN_WORD.findall(text)) + len(_CJK_CHAR.findall(text)) // 2


def mask_quotes(text: str) -> str:
    """`text` with short quoted spans blanked out (same length), so quoted mentions are not counted."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def tally(lexicon: Lexicon, text: str, *, skip_quotes: bool = True) -> Tally:
    """The spam terms `text` uses (quoted mentions left out unless `skip_quotes` is False)."""
    normalized = normalize(text)
    if skip_quotes:
        normalized = mask_quotes(normalized)
    return Tally(tuple(lexicon.find(normalized)))


def content_words(text: str) -> set[str]:
    """The distinctive words of `text`: four letters or more, not a stop word, case-folded.

    For Chinese and Japanese, character pairs stand in for words.
    """
    folded = normalize(text)
    found = {w for w in _LATIN_WORD.findall(folded) if len(w) >= 4 and w not in _STOPWORDS}
    cjk = "".join(_CJK_CHAR.findall(folded))
    found.update(cjk[i : i + 2] for i in range(len(cjk) - 1))
    return found


def overlap(part: str, whole: set[str]) -> float:
    """The share of `part`'s distinctive words that also occur in `whole` (1.0 when it has none)."""
    mine = content_words(part)
    if not mine:
        return 1.0
    return len(mine & whole) / len(mine)


def detect_language(text: str) -> str:
    """The language `text` is written in, or "" when there is too little to tell."""
    sample = " ".join(text.split())[:2000]
    if len(sample) < 40:
        return ""
    return _detect(sample)


@lru_cache(maxsize=512)
def _detect(sample: str) -> str:
    return primary_tag(guess(sample)) or ""
