"""The extractors the benchmark compares, each reduced to a `Guess` for scoring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trafilatura import bare_extraction, extract

from bench.extract.quality import Guess
from newsdesk.ingest.stages.extract import extract_article


def ours(fast: bool = True) -> Callable[[bytes], Guess]:
    def run(content: bytes) -> Guess:
        result = extract_article(content, fast=fast)
        date = result.published.date().isoformat() if result.published else None
        return Guess(result.text, result.title, date, result.authors)

    return run


def trafilatura_anchor(**options: Any) -> Callable[[bytes], Guess]:
    """trafilatura as its users call it: `extract()` for the text, `bare_extraction()` for metadata."""

    def run(content: bytes) -> Guess:
        text = extract(content, **options) or ""
        document = bare_extraction(content, with_metadata=True, **options)
        if document is None or isinstance(document, dict):
            return Guess(text, None, None, ())
        authors = tuple(a.strip() for a in (document.author or "").split(";") if a.strip())
        return Guess(text, document.title, document.date, authors)

    return run


EXTRACTORS: dict[str, Callable[[bytes], Guess]] = {
    "newsdesk (fast, the default)": ours(fast=True),
    "newsdesk (with fallbacks)": ours(fast=False),
    "trafilatura default": trafilatura_anchor(),
    "trafilatura fast": trafilatura_anchor(fast=True),
    "trafilatura default, comments off": trafilatura_anchor(include_comments=False),
}
