"""Run each case through the real stages and score the outcome against its label.

Both paths an article can take are measured: the page path (extract_article, whose clean-up runs
our passes, then assemble and review) and the feed path (the page could not be fetched, so the
feed's own HTML is cleaned, assembled and reviewed). The anchors, from the same run:
- for whole items, a keyword filter: spam when any term of our lists appears, the usual first try;
- for planted blocks, trafilatura on its own: does the planted text reach the stored article?
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml.html import fragment_fromstring

from bench.integrity.corpus import Case, feed_item_html, page
from newsdesk.ingest.stages import assemble
from newsdesk.ingest.stages.extract import (
    _compat,  # noqa: F401  (before trafilatura)
    extract_article,
)
from newsdesk.integrity.lexicon import default_lexicon
from newsdesk.integrity.review import clean_entry, review
from newsdesk.integrity.text import tally
from newsdesk.types import QUARANTINED, SPAM, SPAM_REMOVED, ArticleDraft, Entry, ParsedFeed, SourceState

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@dataclass
class Outcome:
    case: Case
    path: str  # "page" or "feed"
    quarantined: bool
    spam_removed: bool
    marker_kept: bool  # the planted text is still in the stored text
    host_kept: float  # share of the article's own paragraphs still there
    signals: tuple[str, ...]
    reason: str
    review_ms: float = 0.0
    extract_ms: float = 0.0


@dataclass
class Anchors:
    keyword_flagged: bool
    trafilatura_kept_marker: bool | None = None


@dataclass
class Scores:
    outcomes: list[Outcome] = field(default_factory=list)

    def detection(self) -> tuple[int, int, int, int]:
        """(true positives, false positives, false negatives, true negatives) for whole spam."""
        tp = sum(1 for o in self.outcomes if o.case.label == "spam" and o.quarantined)
        fn = sum(1 for o in self.outcomes if o.case.label == "spam" and not o.quarantined)
        fp = sum(1 for o in self.outcomes if o.case.label != "spam" and o.quarantined)
        tn = sum(1 for o in self.outcomes if o.case.label != "spam" and not o.quarantined)
        return tp, fp, fn, tn


def source_of(case: Case) -> SourceState:
    return SourceState(language=case.source_lang, site_host=case.host)


def _entry(case: Case, html: str) -> Entry:
    return Entry(guid=case.url, link=case.url, title=case.title, published=NOW, content_html=html)


def _feed(case: Case) -> ParsedFeed:
    return ParsedFeed(
        format="rss20", title="Outlet", link=f"https://{case.host}/", entries=(), language=case.source_lang
    )


def _draft(case: Case, entry: Entry, page_result, failed: bool) -> ArticleDraft:
    return assemble.assemble(
        entry, page_result, feed=_feed(case), source_id=1, source_language=case.source_lang,
        content_hash="0" * 64, now=NOW, excerpt_words=60, page_failed=failed,
    )  # fmt: skip


def run_page(case: Case) -> Outcome:
    started = time.perf_counter()
    extracted = extract_article(page(case).encode("utf-8"), url=case.url)
    extract_ms = (time.perf_counter() - started) * 1000
    entry, planted = clean_entry(_entry(case, ""))
    draft = _draft(case, entry, extracted, not extracted.text.strip())
    started = time.perf_counter()
    reviewed = review(draft, injections=planted + extracted.injections, source=source_of(case))
    review_ms = (time.perf_counter() - started) * 1000
    return _outcome(case, "page", reviewed, review_ms, extract_ms)


def run_feed(case: Case) -> Outcome:
    started = time.perf_counter()
    entry, planted = clean_entry(_entry(case, feed_item_html(case)))
    draft = _draft(case, entry, None, True)
    reviewed = review(draft, injections=planted, source=source_of(case))
    review_ms = (time.perf_counter() - started) * 1000
    return _outcome(case, "feed", reviewed, review_ms, 0.0)


def _outcome(case: Case, path: str, draft: ArticleDraft, review_ms: float, extract_ms: float) -> Outcome:
    text = " ".join(draft.text.split())
    own = [p for p in case.paragraphs if " ".join(p.split())[:60] in text]
    record = draft.integrity
    return Outcome(
        case=case,
        path=path,
        quarantined=draft.status == QUARANTINED and SPAM in draft.flags,
        spam_removed=SPAM_REMOVED in draft.flags,
        marker_kept=bool(case.marker) and case.marker.casefold() in text.casefold(),
        host_kept=len(own) / max(1, len(case.paragraphs)),
        signals=tuple(s["name"] for s in record.get("signals", [])),
        reason=record.get("reason", ""),
        review_ms=review_ms,
        extract_ms=extract_ms,
    )


def anchors(case: Case) -> Anchors:
    """What the naive alternatives do with the same case."""
    planted = (
        fragment_fromstring(case.injection, create_parent="div").text_content() if case.injection else ""
    )
    words = f"{case.title} " + " ".join(case.paragraphs) + " " + " ".join(a for a, _ in case.links) + planted
    flagged = bool(tally(default_lexicon(), words, skip_quotes=False).hits)
    kept = None
    if case.label == "injected":
        from trafilatura import extract as trafilatura_extract

        plain = trafilatura_extract(page(case), url=case.url) or ""
        kept = case.marker.casefold() in " ".join(plain.split()).casefold()
    return Anchors(keyword_flagged=flagged, trafilatura_kept_marker=kept)
