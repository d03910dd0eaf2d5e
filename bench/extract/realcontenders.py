"""The contenders on the real pages (bench/extract/realpages.py): our extraction, and trafilatura with
evaluate.py's own options, fast and default, text alone, text plus metadata in two passes, and both in
one pass; and the warm-up pages every contender reads before it is timed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trafilatura import bare_extraction, extract
from trafilatura.utils import normalize_unicode

from newsdesk.ingest.stages.extract import extract_article
from newsdesk.types import ExtractError

# evaluate.py's EXTRACT_OPTS: the options its scores are published with.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
}


@dataclass(frozen=True)
class Answer:
    text: str
    title: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()


def ours(content: bytes, fast: bool = True) -> Answer:
    try:
        result = extract_article(content, fast=fast)
    except ExtractError:
        return Answer("")
    date = result.published.date().isoformat() if result.published else None
    return Answer(result.text, result.title, date, result.authors)


def ours_with_fallbacks(content: bytes) -> Answer:
    """Our extraction with trafilatura's fallback comparison in the first look too (`fast=False`)."""
    return ours(content, fast=False)


def trafilatura_text(fast: bool) -> Callable[[bytes], Answer]:
    def run(content: bytes) -> Answer:
        return Answer(extract(content, fast=fast, **TRAFILATURA_OPTIONS) or "")

    return run


def trafilatura_metadata(fast: bool) -> Callable[[bytes], Answer]:
    """Text from `extract()` (what evaluate.py scores), metadata from `bare_extraction`."""

    def run(content: bytes) -> Answer:
        text = extract(content, fast=fast, **TRAFILATURA_OPTIONS) or ""
        document = bare_extraction(content, fast=fast, with_metadata=True, **TRAFILATURA_OPTIONS)
        if document is None or isinstance(document, dict):
            return Answer(text)
        authors = tuple(a.strip() for a in (document.author or "").split(";") if a.strip())
        return Answer(text, document.title, document.date, authors)

    return run


def trafilatura_one_pass(fast: bool) -> Callable[[bytes], Answer]:
    """Body and metadata from one `bare_extraction(with_metadata=True)`: one parse, one extraction,
    as our `extract_article` does. The text is what `extract()` returns and the metadata what
    `bare_extraction` returns (the bench counts the pages where the text differs; none did on the 990
    pages). This is the like-for-like anchor for our speed: our body is always read together with the
    metadata (the title, authors and date steer it), while `extract()` alone reads no metadata, and
    `extract()` plus `bare_extraction` parse and extract every page twice."""

    def run(content: bytes) -> Answer:
        document = bare_extraction(content, fast=fast, with_metadata=True, **TRAFILATURA_OPTIONS)
        if document is None or isinstance(document, dict):
            return Answer("")
        authors = tuple(a.strip() for a in (document.author or "").split(";") if a.strip())
        # extract() appends the (empty) comments and strips the whole: the same text, same spacing.
        text = normalize_unicode((document.text or "").strip())
        return Answer(text, document.title, document.date, authors)

    return run


OURS = "newsdesk extract_article (body + metadata)"
OURS_FALLBACKS = "newsdesk extract_article(fast=False): fallbacks in the first look too"
ANCHOR = "trafilatura default, extract()"
SINGLE_FAST = "trafilatura fast, bare_extraction(metadata), one pass"
SINGLE_DEFAULT = "trafilatura default, bare_extraction(metadata), one pass"
CONTENDERS: dict[str, tuple[Callable[[bytes], Answer], bool]] = {
    OURS: (ours, True),
    "trafilatura fast, extract()": (trafilatura_text(True), False),
    ANCHOR: (trafilatura_text(False), False),
    "trafilatura fast, extract() + bare_extraction(metadata)": (trafilatura_metadata(True), True),
    "trafilatura default, extract() + bare_extraction(metadata)": (trafilatura_metadata(False), True),
    SINGLE_FAST: (trafilatura_one_pass(True), True),
    SINGLE_DEFAULT: (trafilatura_one_pass(False), True),
}


# Warm-up pages take every contender down its whole path once, so that what loads on first use loads
# now, once per process as in a worker, and not inside whichever page comes first: a page too short
# to keep (trafilatura's fallbacks load jusText's stop lists), and a dated article long enough to keep,
# in no declared language and in one our stop-word lists do not cover (Indonesian), so that our
# language guess loads its model. A third page has no date in its markup and a date-like line no
# language reads, so that htmldate's extensive search hands it to dateparser, which then loads all its
# locales (more than a second of CPU, once per process: it would otherwise fall on whichever real page
# first needs a locale).
WARM_UP = (
    b"<html><body><article><p>Warm-up text for every contender.</p></article></body></html>",
    b"<html><head><title>Pasar pagi</title></head><body><article><h1>Pasar pagi</h1>"
    b"<time datetime='2024-05-02T08:00:00+07:00'>2 Mei 2024</time>"
    + b"<p>Setiap pagi para pedagang membuka lapak mereka di pinggir jalan kampung dan menjual sayur "
    b"segar, ikan, dan kue basah kepada tetangga yang datang sebelum berangkat kerja.</p>"
    * 6
    + b"</article></body></html>",
    b"<html><body><div><p>Warm-up for the date search: there is no date in this page's markup.</p>"
    b"<span class='date'>12 qqqq 2021</span></div></body></html>",
)
