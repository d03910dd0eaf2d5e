"""Story clustering, the terms of a text: words per language, stems, names and numbers.

Pure, like `core`: the words of a text lower-cased and stemmed with the Snowball stemmer of its language
(PyStemmer), stop words dropped (the `stop-words` lists plus words that say nothing about which event
a piece of news copy reports); the words of capitalised phrases that do not open a sentence; and numbers
with their unit or currency. `core.signals` builds an article's signals from these.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from stop_words import get_stop_words

__all__ = ["WORD", "base_language", "name_phrases", "names", "normalise", "numbers", "tokenise"]

_LANGUAGES = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
              "nl": "dutch", "pt": "portuguese", "sv": "swedish", "da": "danish", "no": "norwegian",
              "fi": "finnish", "ru": "russian"}  # fmt: skip
WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’\-](?=[^\W\d_]))*", re.UNICODE)
_NUMBER = re.compile(
    r"(?<![\w.])([£$€¥]?)(\d+(?:[.,]\d+)?)\s?"
    r"(%|m\b|bn\b|km\b|million\b|billion\b|millionen\b|millions\b|millones\b|prozent\b"
    r"|per cent\b|percent\b)?",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”«»—–]\s*|\n)\s*$")


@lru_cache(maxsize=32)
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    name = _LANGUAGES.get(language)
    return Stemmer.Stemmer(name) if name else None


@lru_cache(maxsize=32)
def _stop_words(language: str) -> frozenset[str]:
    words: set[str] = set(_EXTRA_STOP)
    for lang in {language, "en"}:
        try:
            words.update(w.lower() for w in get_stop_words(lang))
        except Exception:  # noqa: S112 - a language without a list keeps the English one
            continue
    return frozenset(words)


# Words that are everywhere in news copy and say nothing about which event it is.
_EXTRA_STOP = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "according",
        "also",
        "would",
        "could",
        "new",
        "live",
        "latest",
        "update",
        "updates",
        "breaking",
        "report",
        "reports",
        "reported",
        "week",
        "today",
        "yesterday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mondays",
        "tuesdays",
        "wednesdays",
        "thursdays",
        "fridays",
        "saturdays",
        "sundays",
        "morning",
        "evening",
        "night",
        "am",
        "pm",
        "mr",
        "mrs",
        "ms",
        "dr",
        "one",
        "two",
        "three",
        "four",
        "five",
        "first",
        "last",
        "year",
        "years",
        "people",
        "time",
        "percent",
        "cent",
        "cpa",
        "sagte",
        "sagt",
        "laut",
        "heute",
        "dijo",
        "según",
        "hoy",
        "selon",
        "déclaré",
        "aujourd",
    ]
)


# Capitalised, but dates and not named things: "Sundays", "in April" (a shared month is no evidence).
_DATES = frozenset(
    [f"{day}day{s}" for day in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun") for s in ("", "s")]
    + [f"{day}day's" for day in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")]
    + ["january", "february", "march", "april", "june", "july", "august", "september", "october"]
    + ["november", "december"]  # not "may", a name as often as a month
)


def normalise(text: str) -> str:
    """The text in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def base_language(language: str) -> str:
    """The language without its region, lower-cased ("en" for "en-GB"); English when none is given."""
    return (language or "en").split("-")[0].lower()


def tokenise(text: str, language: str) -> list[str]:
    """Lower-cased stems of the words, stop words dropped."""
    lang = base_language(language)
    stops = _stop_words(lang)
    words = [w.lower() for w in WORD.findall(normalise(text))]
    words = [w for w in words if len(w) > 2 and w not in stops]
    stemmer = _stemmer(lang)
    return list(stemmer.stemWords(words)) if stemmer else words


def names(text: str, language: str) -> list[str]:
    """Words of capitalised phrases that do not open a sentence, lower-cased and unstemmed."""
    return [word for phrase in name_phrases(text, language) for word in phrase]


def name_phrases(text: str, language: str) -> list[tuple[str, ...]]:
    """The capitalised phrases of `names`, each as its words: words next to each other (one space or
    a hyphen apart) make one phrase ("Saltmarsh Ferry", "Veyra Weather Service"), so that a place
    named in two words counts as one named thing."""
    stops = _stop_words(base_language(language))
    text = normalise(text)
    found: list[list[str]] = []
    end = -1  # where the last name word ended
    for match in WORD.finditer(text):
        word = match.group()
        if not word[0].isupper() or len(word) < 3:
            continue
        lower = word.lower()
        if lower in stops or lower in _DATES:
            continue
        if _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]) and not (
            match.end() < len(text) - 1
            and text[match.end()] == " "
            and text[match.end() + 1 : match.end() + 2].isupper()
        ):
            continue  # a capital that only opens a sentence, unless a capitalised phrase goes on
        if found and text[end : match.start()] in (" ", "-"):
            found[-1].append(lower)
        else:
            found.append([lower])
        end = match.end()
    return [tuple(phrase) for phrase in found]


def numbers(text: str) -> list[str]:
    """Numbers with their unit or currency; bare small integers (days, counts of things) are left out."""
    found: list[str] = []
    for currency, value, unit in _NUMBER.findall(text):
        value = value.replace(",", ".")
        unit = (unit or "").lower()
        unit = {"per cent": "%", "percent": "%", "prozent": "%", "million": "m", "millionen": "m",
                "millions": "m", "millones": "m", "billion": "bn"}.get(unit, unit)  # fmt: skip
        if not currency and not unit and (len(value) < 3 or "." in value):
            continue
        found.append(f"{currency}{value}{unit}")
    return found
