"""Cut planted spam out of an article's DOM, before the extractor reads it. Pure; edits the tree.

A hacked site rarely looks hacked: the attacker adds a block to real articles and hides it from
the owner. Three passes find such blocks:

1. `strip_hidden`: elements a reader cannot see (newsdesk/markup/hidden.py). All are dropped, as a
   reader never sees them; those holding spam terms, or outbound links inside the article, are
   injections.
   Run it first, on the whole page, while the inline styles are still there.
2. `strip_planted`, after the page furniture is gone:
   - link blocks: a block that is mostly links, pointing off the site, whose anchor texts have
     nothing to do with the article (or sell gambling, pills or fakes);
   - keyword-stuffed paragraphs: a paragraph full of spam terms written in another language
     than the article, or so dense with promotional terms that no reporter wrote it.
Nothing that holds the article itself is ever removed: a block with half the page's text is not
an injection but the page, and the whole-item classifier (classify.py) judges it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring, tostring

from newsdesk.integrity.lexicon import Lexicon, Tally, default_lexicon, normalize
from newsdesk.integrity.links import Link, link_share, links_of
from newsdesk.integrity.text import content_words, detect_language, overlap, tally, words
from newsdesk.markup.hidden import hidden_reason, same_colour_reason, style_of
from newsdesk.markup.region import densest_container
from newsdesk.types import Injection

SNIPPET = 200
MAX_SHARE = 0.5  # a block holding more of the page's text than this is never an injection
MIN_LINKS = 3
LINK_SHARE = 0.5
OFF_TOPIC = 0.25  # anchors sharing fewer of their words with the article than this are off-topic
STUFFED_DENSITY = 0.15  # spam terms per word in a paragraph in the article's language: stuffing
# Attributes are selected on the attribute axis and mapped back to their elements (`/@role[…]/..`):
# the same elements in the same order as a predicate on every element (`*[@role='main']`), in a little
# over half the time, since libxml2 then tests only the attributes that exist.
_ANCHOR_XPATH = etree.XPath(
    "descendant::article | descendant::main"
    " | descendant::*/@itemprop[. = 'articleBody']/.. | descendant::*/@role[. = 'main' or . = 'article']/.."
)
_BLOCKS = (
    "p",
    "li",
    "div",
    "ul",
    "ol",
    "section",
    "aside",
    "table",
    "td",
    "blockquote",
    "dl",
    "span",
    "font",
)
_PARAGRAPHS = ("p", "li", "div", "td", "blockquote", "h2", "h3", "h4", "h5", "h6", "span", "font", "dd")
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BLOCK_CHILDREN = frozenset({"p", "div", "ul", "ol", "li", "section", "table", "blockquote", "dl", "article"})


@dataclass(frozen=True)
class Stripped:
    injections: tuple[Injection, ...] = ()
    hidden: int = 0  # hidden elements dropped in all, injections or not


# ---- pass 1: hidden elements --------------------------------------------------------------------


def strip_hidden(
    root: HtmlElement,
    *,
    page_url: str | None = None,
    lexicon: Lexicon | None = None,
    spare_article: bool = True,
) -> Stripped:
    """Drop every element hidden by inline CSS; report the ones that carried spam.

    On a whole page the article's containers (marked ones and the densest block) and their ancestors
    are never dropped wholesale, as a page that hides its story until a script runs would otherwise
    lose it. A feed item's HTML passes `spare_article=False`: it has no script to reveal anything, and
    our sanitizer drops the styles and unwraps `<article>` and `<main>`, so whatever it hides would show.
    """
    lex = lexicon or default_lexicon()
    body = _body(root)
    # Only elements that can be hidden by inline means are looked at: selecting them by XPath spares
    # a Python object for every element of the page, and most pages have none to look at.
    hidden = []
    for element in _HIDEABLE_XPATH(body):
        css = style_of(element)
        reason = hidden_reason(element, css) or same_colour_reason(element, css)
        if reason and element is not body:
            hidden.append((element, reason))
    if not hidden:  # the article's containers are only needed to judge what is hidden
        return Stripped()
    anchors = _anchors(body)
    protected = _protected(body, anchors) if spare_article else set()
    found: dict[HtmlElement, str] = {}
    for element, reason in hidden:
        if element not in protected and not any(ancestor in found for ancestor in element.iterancestors()):
            found[element] = reason
    injections = []
    for element, reason in found.items():
        text = _flat(element.text_content())
        links = links_of(element, page_url)
        terms = tally(lex, text, skip_quotes=False)
        inside = any(a in anchors for a in (element, *element.iterancestors()))
        why = _spam_reasons(terms, links, inside_article=inside)
        if why:
            injections.append(Injection("hidden", text[:SNIPPET], (reason, *why)))
        _drop(element)
    return Stripped(tuple(injections), len(found))


def _spam_reasons(terms: Tally, links: list[Link], *, inside_article: bool) -> tuple[str, ...]:
    reasons = []
    promo = terms.distinct(tier="promo")
    topic = terms.distinct(tier="topic")
    if promo:
        reasons.append("promo: " + ", ".join(promo[:5]))
    if len(topic) >= 2 or (topic and links):
        reasons.append("topic: " + ", ".join(topic[:5]))
    outbound = [link for link in links if link.outbound]
    if outbound and (inside_article or reasons):
        reasons.append(f"{len(outbound)} outbound link{'s' if len(outbound) > 1 else ''}")
    elif links and reasons:
        reasons.append(f"{len(links)} link{'s' if len(links) > 1 else ''}")
    return tuple(reasons)


# ---- pass 2: planted link blocks and stuffed paragraphs ----------------------------------------


def strip_planted(
    root: HtmlElement,
    *,
    title: str | None = None,
    page_url: str | None = None,
    lexicon: Lexicon | None = None,
) -> tuple[Injection, ...]:
    """Drop off-topic outbound link blocks and keyword-stuffed paragraphs from a cleaned page."""
    lex = lexicon or default_lexicon()
    body = _body(root)
    text = _flat(body.text_content())
    total = len(text) or 1
    protected = _protected(body)
    injections = list(_link_blocks(body, protected, total, title, page_url, lex))
    # Each paragraph's text is a stretch of the page's: where the page holds no spam term at all,
    # no paragraph does, and the paragraphs need not be read one by one.
    if lex.occurs(normalize(text)):
        injections.extend(_stuffed_paragraphs(body, protected, total, lex))
    return tuple(injections)


def _link_blocks(
    body: HtmlElement,
    protected: set[HtmlElement],
    total: int,
    title: str | None,
    page_url: str | None,
    lex: Lexicon,
) -> list[Injection]:
    memo: dict[HtmlElement, Link | None] = {}
    vocabulary = _Vocabulary(body, title)  # the article's words, worked out on first need
    chosen: dict[HtmlElement, Injection] = {}
    for element in body.iter(*_BLOCKS):  # document order: a block comes before what it holds
        if element in protected or _count_links(element) < MIN_LINKS:
            continue
        if any(ancestor in chosen for ancestor in element.iterancestors()):
            continue
        injection = _judge_link_block(element, total, vocabulary, page_url, lex, memo)
        if injection is not None:
            chosen[element] = injection
    if sum(len(_flat(e.text_content())) for e in chosen) > MAX_SHARE * total:
        return []  # mostly links: not a planted block but the page itself, for the classifier
    for element in chosen:
        _drop(element)
    return list(chosen.values())


class _Vocabulary:
    """The article's distinctive words (title and text outside links), read only when a block's
    anchors have to be compared with them: most pages' link blocks are ruled out before that."""

    def __init__(self, body: HtmlElement, title: str | None) -> None:
        self._body = body
        self._title = title
        self._words: set[str] | None = None

    def words(self) -> set[str]:
        if self._words is None:
            self._words = content_words(f"{self._title or ''} {_text_outside_links(self._body)}")
        return self._words


def _judge_link_block(
    element: HtmlElement,
    total: int,
    vocabulary: _Vocabulary,
    page_url: str | None,
    lex: Lexicon,
    memo: dict[HtmlElement, Link | None] | None = None,
) -> Injection | None:
    # The cheap tests first: the block's size and its share of link text, then its links one by one.
    text = _flat(element.text_content())
    if not text or len(text) > MAX_SHARE * total or link_share(element, text) < LINK_SHARE:
        return None
    links = links_of(element, page_url, memo)
    if len(links) < MIN_LINKS:
        return None
    anchors = " ".join(link.text for link in links)
    promo = tally(lex, anchors, skip_quotes=False).distinct(tier="promo")
    outbound = [link for link in links if link.outbound]
    reasons = [f"{len(links)} links, {len(outbound)} outbound"]
    if promo:  # links named to sell: wherever they point
        reasons.append("anchors: " + ", ".join(promo[:5]))
        return Injection("link-block", text[:SNIPPET], tuple(reasons))
    if len(outbound) * 2 < len(links) or len(outbound) < MIN_LINKS:
        return None
    shared = overlap(anchors, vocabulary.words())
    if shared >= OFF_TOPIC:
        return None
    sites = sorted({link.host for link in outbound})
    reasons.append(f"off-topic anchors ({shared:.0%} shared with the article), to {', '.join(sites[:4])}")
    return Injection("link-block", text[:SNIPPET], tuple(reasons))


def _stuffed_paragraphs(
    body: HtmlElement, protected: set[HtmlElement], total: int, lex: Lexicon
) -> list[Injection]:
    candidates = []
    seen: set[HtmlElement] = set()
    for element in body.iter(*_PARAGRAPHS):
        if element in protected or any(child.tag in _BLOCK_CHILDREN for child in element):
            continue  # only leaf blocks: a container is judged through its paragraphs
        if any(ancestor in seen for ancestor in element.iterancestors()):
            continue  # a <span> inside a paragraph already judged
        seen.add(element)
        text = _flat(element.text_content())
        if len(text) < 20 or len(text) > MAX_SHARE * total:
            continue
        terms = tally(lex, text)
        promo = terms.count(tier="promo")
        topic = terms.count(tier="topic")
        if promo == 0 and topic < 2:
            continue
        candidates.append((element, text, terms, promo, topic))
    if not candidates:
        return []
    article_language = detect_language(_flat(body.text_content()))
    chosen = []
    for element, text, terms, promo, topic in candidates:
        reasons = _stuffing_reasons(text, terms, promo, topic, article_language)
        if reasons:
            chosen.append((element, Injection("keyword-stuffing", text[:SNIPPET], reasons), len(text)))
    if sum(size for _, _, size in chosen) > MAX_SHARE * total:
        return []  # mostly spam: not a planted paragraph but the page itself, for the classifier
    for element, _, _ in chosen:
        _drop(element)
    return [injection for _, injection, _ in chosen]


def _stuffing_reasons(
    text: str, terms: Tally, promo: int, topic: int, article_language: str
) -> tuple[str, ...]:
    listed = ", ".join((terms.distinct(tier="promo") + terms.distinct(tier="topic"))[:5])
    language = detect_language(text)
    if promo >= 1 and article_language and language and language != article_language:
        return (f"in {language} within a {article_language} article", f"terms: {listed}")
    density = (promo + topic) / max(words(text), 1)
    if len(terms.distinct(tier="promo")) >= 3 and density >= STUFFED_DENSITY:
        return (f"{promo + topic} spam terms in {words(text)} words", f"terms: {listed}")
    return ()


# ---- fragments: the feed's own HTML --------------------------------------------------------------


def clean_fragment(
    html: str, *, title: str | None = None, page_url: str | None = None, lexicon: Lexicon | None = None
) -> tuple[str, tuple[Injection, ...]]:
    """The same passes over a feed item's HTML. Returns the HTML unchanged when nothing was planted.

    Hidden elements are dropped here too (a sanitizer would drop the style and show them), so the
    HTML is re-serialised whenever any was found.
    """
    if not html or "<" not in html:
        return html, ()
    try:
        root = fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return html, ()
    hidden = strip_hidden(root, page_url=page_url, lexicon=lexicon, spare_article=False)
    planted = strip_planted(root, title=title, page_url=page_url, lexicon=lexicon)
    if not hidden.hidden and not planted:
        return html, ()
    inner = (root.text or "") + "".join(tostring(child, encoding="unicode") for child in root)
    return inner, hidden.injections + planted


# ---- helpers --------------------------------------------------------------------------------------


# On the attribute axis, as _ANCHOR_XPATH: the same elements, in the same order.
_HIDEABLE_XPATH = etree.XPath("descendant::*/@style/.. | descendant::*/@hidden/.. | descendant::font")


def _body(root: HtmlElement) -> HtmlElement:
    body = root.find("body") if root.tag == "html" else None
    return body if body is not None else root


def _anchors(body: HtmlElement) -> set[HtmlElement]:
    return set(_ANCHOR_XPATH(body))


def _protected(body: HtmlElement, anchors: set[HtmlElement] | None = None) -> set[HtmlElement]:
    """The article's containers and their ancestors: never removed wholesale."""
    anchors = set(_anchors(body) if anchors is None else anchors)
    core = densest_container(body)
    if core is not None:
        anchors.add(core)
    protected = set(anchors)
    for anchor in anchors:
        protected.update(anchor.iterancestors())
    return protected


_TEXT_OUTSIDE_LINKS_XPATH = etree.XPath("descendant::text()[not(ancestor::a)]")
_COUNT_LINKS_XPATH = etree.XPath("count(descendant-or-self::a[@href])")


def _count_links(element: HtmlElement) -> int:
    return int(_COUNT_LINKS_XPATH(element))


def _text_outside_links(element: HtmlElement) -> str:
    """The text of `element` that is not link text (its own tail excluded)."""
    if element.tag == "a":
        return ""
    return " ".join(str(text) for text in _TEXT_OUTSIDE_LINKS_XPATH(element))


def _drop(element: HtmlElement) -> None:
    """Remove an element, keeping the text that follows it.

    lxml parses control characters it then refuses to set, so joining the tail to the text before it
    can fail; then both are cleaned of what XML cannot hold, and joined by hand.
    """
    parent = element.getparent()
    if parent is None:
        return
    try:
        element.drop_tree()
    except ValueError:
        tail = _XML_UNSAFE.sub("", element.tail or "")
        previous = element.getprevious()
        if previous is not None:
            previous.tail = _XML_UNSAFE.sub("", previous.tail or "") + tail
        else:
            parent.text = _XML_UNSAFE.sub("", parent.text or "") + tail
        parent.remove(element)


def _flat(text: str) -> str:
    return " ".join(text.split())
