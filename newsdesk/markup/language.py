"""The article's language as a BCP 47 primary tag ("en", "ar").

What the page declares wins (<html lang>, Content-Language, og:locale, JSON-LD inLanguage). Only
when it declares nothing do we guess from the text: first from the writing system and a few dozen
very common words, which is instant and tells the languages our sources mostly publish in; when
that is unsure, py3langid. py3langid takes half a second to load its model, so it is imported only
when needed: most pages declare their language, and a CLI run over them should not pay for it.
"""

from __future__ import annotations

import re
import threading
from collections import Counter

from lxml.etree import XPath
from lxml.html import HtmlElement

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")
_META_XPATH = XPath(
    ".//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language'"
    " or @name='language' or @name='dc.language' or @property='og:locale'][@content]/@content"
)

# Writing systems used by one language (or one overwhelmingly): enough to name it.
_SCRIPTS = (
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
)
_STOPWORDS = {
    "en": "the and of to in is that for was on with as by it at from this are have be",
    "es": "el la de que y en los las del por con una para es se al como más pero sus",
    "fr": "le la les de des et en du une est que pour dans qui par sur pas au avec",
    "de": "der die und das den des von mit ist ein eine für auf nicht dem sich im zu auch",
    "it": "il di che la per una sono della del con non gli le nel alla anche come più",
    "pt": "o de que e do da em um para com não uma os no se na por mais as dos",
    "nl": "de het een en van in is op dat te voor met zijn niet die aan er ook",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def declared_language(root: HtmlElement, json_ld_language: str | None) -> str | None:
    """The primary tag the page declares about itself, if any."""
    candidates = [root.get("lang"), root.get("xml:lang"), *_META_XPATH(root), json_ld_language]
    for value in candidates:
        tag = primary_tag(value)
        if tag:
            return tag
    return None


def primary_tag(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    match = _TAG.match(value.strip().split(",")[0].strip())
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """Guess the language of `text`; None when there is too little to go on."""
    sample = text[:4000]
    if len(sample) < 20:
        return None
    for lang, script in _SCRIPTS:
        if len(script.findall(sample)) > len(sample) * 0.2:
            return lang
    return _by_stopwords(sample) or _by_model(sample)


_model_lock = threading.Lock()
_model_loaded = False


def _by_model(sample: str) -> str | None:
    global _model_loaded
    try:
        import py3langid
    except ImportError:  # pragma: no cover - an optional dependency
        return None
    if not _model_loaded:
        # py3langid loads its model on first use without a lock: page threads starting together would
        # each load it (half a second of CPU apiece). The first call goes alone.
        with _model_lock:
            lang, _ = py3langid.classify(sample)
            _model_loaded = True
            return str(lang) if lang else None
    lang, _ = py3langid.classify(sample)
    return str(lang) if lang else None


def _by_stopwords(sample: str) -> str | None:
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 8:
        return None
    scores = Counter({lang: sum(w in vocab for w in words) for lang, vocab in _WORDS.items()})
    (best, top), (_, second) = scores.most_common(2)
    return best if top >= max(3, len(words) * 0.1) and top > second * 1.5 else None
