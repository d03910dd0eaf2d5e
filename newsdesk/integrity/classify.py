"""Is this whole item spam? A sum of named, weighted signals. Pure: no I/O, no model download.

Why a sum of hand-set weights rather than a trained model: every decision must say which signals
fired, the lists must be easy to extend, and news *about* gambling, pharmacies or counterfeits must
never be flagged. Such reports use the subject's words, so topic words alone weigh little; what
marks spam is selling (promotional terms, calls to action, dense repetition), together with
something out of place (a language the source does not publish in, a title the body ignores,
links that all go to one outside site).

The decision: spam when the signals add up to THRESHOLD, the text itself sells (a promotional
term outside quotes) and something besides the words agrees (density, language, links or a
call to action). bench/integrity measures precision and recall on a labelled set.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.html import fragment_fromstring

from newsdesk.integrity.lexicon import Lexicon, Tally, default_lexicon
from newsdesk.integrity.links import Link, busiest_outbound, links_of
from newsdesk.integrity.text import content_words, detect_language, overlap, tally, words
from newsdesk.markup.language import primary_tag
from newsdesk.types import Signal, SourceState, Verdict

THRESHOLD = 3.0
PROMO_PER_TERM = 1.0
PROMO_CAP = 3.0
# Corroborating signals: at least one must fire besides the words themselves.
CORROBORATING = frozenset(
    {"promo-density", "language-mismatch", "keyword-links", "outbound-cluster", "link-density",
     "calls-to-action", "title-body-mismatch", "planted-blocks"}
)  # fmt: skip


@dataclass(frozen=True)
class Item:
    """The parts of an article the classifier reads."""

    title: str
    text: str
    html: str = ""  # sanitized content HTML, for its links
    url: str = ""  # the article's address, to tell outbound links
    language: str = ""  # what the page declared; the text is checked too


def classify(item: Item, source: SourceState, *, planted: int = 0, lexicon: Lexicon | None = None) -> Verdict:
    """Judge one item. `planted` is how many planted blocks were cut out of it: on their own they
    never make an item spam (a real article with an injection is not spam), but they corroborate
    a text that sells."""
    lex = lexicon or default_lexicon()
    body = tally(lex, item.text)
    head = tally(lex, item.title)
    n_words = max(words(item.text), 1)
    signals: list[Signal] = []
    promo_terms = _promo(head) + [t for t in _promo(body) if t not in _promo(head)]
    signals += _term_signals(head, body, promo_terms, n_words)
    links = _links(item.html, item.url or source.site_host)
    signals += _link_signals(lex, links, item.text)
    if promo_terms or signals:
        signals += _language_signal(item.text, source.language or primary_tag(item.language) or "")
        signals += _title_signal(item.title, item.text)
    if planted and promo_terms:
        signals.append(
            Signal("planted-blocks", 1.0, f"{planted} planted block{'s' if planted > 1 else ''} cut out")
        )
    score = sum(s.weight for s in signals)
    names = {s.name for s in signals}
    spam = score >= THRESHOLD and bool(promo_terms) and bool(names & CORROBORATING)
    return Verdict(spam=spam, score=round(score, 2), signals=tuple(signals), reason=_reason(spam, signals))


def _promo(found: Tally) -> list[str]:
    return [t for t in found.distinct(tier="promo") if t not in set(found.distinct(category="cta"))]


def _term_signals(head: Tally, body: Tally, promo_terms: list[str], n_words: int) -> list[Signal]:
    signals = []
    kinds = ", ".join(dict.fromkeys(head.categories("promo") + body.categories("promo"))) or "spam"
    if promo_terms:
        weight = min(PROMO_CAP, PROMO_PER_TERM * len(promo_terms))
        signals.append(Signal("promo-terms", weight, f"{kinds}: {', '.join(promo_terms[:6])}"))
    promo_count = body.count(tier="promo") - body.count(tier="promo", category="cta")
    per_100 = 100 * promo_count / n_words
    if promo_count >= 2 and per_100 >= 1.0:
        weight = 2.0 if per_100 >= 4.0 else 1.0
        signals.append(
            Signal("promo-density", weight, f"{promo_count} promotional terms, {per_100:.1f} per 100 words")
        )
    topic_count = body.count(tier="topic")
    topic_per_100 = 100 * topic_count / n_words
    if topic_count >= 3 and topic_per_100 >= 4.0:
        signals.append(
            Signal("topic-density", 0.5, f"{topic_count} subject terms, {topic_per_100:.1f} per 100 words")
        )
    title_promo = _promo(head)
    if title_promo:
        signals.append(Signal("title-terms", 1.0, "title: " + ", ".join(title_promo[:4])))
    cta = list(dict.fromkeys(head.distinct(category="cta") + body.distinct(category="cta")))
    if cta:
        signals.append(Signal("calls-to-action", min(1.5, 0.5 * len(cta)), ", ".join(cta[:4])))
    return signals


def _links(html: str, page_url: str) -> list[Link]:
    if not html or "<a" not in html:
        return []
    try:
        root = fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    base = page_url if "://" in page_url else (f"https://{page_url}/" if page_url else None)
    return links_of(root, base)


def _link_signals(lex: Lexicon, links: list[Link], text: str) -> list[Signal]:
    if not links:
        return []
    signals = []
    selling = [link for link in links if tally(lex, link.text, skip_quotes=False).count(tier="promo")]
    if len(selling) >= 2:
        shown = ", ".join(dict.fromkeys(link.text[:40] for link in selling[:4]))
        signals.append(Signal("keyword-links", 1.0, f"{len(selling)} links named with spam terms: {shown}"))
    host, count = busiest_outbound(links)
    if count >= 3:
        signals.append(Signal("outbound-cluster", 1.0, f"{count} links to {host}"))
    link_words = sum(words(link.text) for link in links)
    share = link_words / max(words(text), 1)
    if len(links) >= 4 and share >= 0.3:
        signals.append(Signal("link-density", 1.0, f"{len(links)} links, {share:.0%} of the words"))
    return signals


def _language_signal(text: str, expected: str) -> list[Signal]:
    if not expected:
        return []
    found = detect_language(text)
    if found and found != expected and not _related(found, expected):
        return [Signal("language-mismatch", 1.5, f"written in {found}, the source publishes in {expected}")]
    return []


def _related(a: str, b: str) -> bool:
    """Languages close enough that an identifier confuses them: not a mismatch worth a signal."""
    close = ({"id", "ms"}, {"no", "nb", "nn", "da"}, {"hr", "sr", "bs"}, {"cs", "sk"})
    return any(a in group and b in group for group in close)


def _title_signal(title: str, text: str) -> list[Signal]:
    mine = content_words(title)
    if len(mine) < 3 or words(text) < 50:
        return []
    shared = overlap(title, content_words(text))
    if shared < 0.15:
        return [Signal("title-body-mismatch", 1.0, f"{shared:.0%} of the title's words are in the text")]
    return []


def _reason(spam: bool, signals: list[Signal]) -> str:
    if not spam:
        return ""
    strongest = sorted(signals, key=lambda s: -s.weight)[:3]
    return "Spam: " + "; ".join(f"{s.name} ({s.detail})" for s in strongest) + "."
