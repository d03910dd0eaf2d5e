"""Remove page furniture from the parsed tree before trafilatura reads it.

trafilatura already skips much boilerplate, but not the kind that sits inside the article body
(a "Read More:" line, a newsletter box between paragraphs, a hidden spam link), and it cannot tell
us what it dropped. So we remove furniture ourselves, by markup (class, id, role, aria-label) and by
wording, and report each kind once, e.g. ("cookie-notice", "newsletter"). Removing whole sidebars,
menus and comment threads first also leaves trafilatura a smaller tree, which is most of our speed.

Matching is done in two steps: a cheap XPath that finds candidates (C speed), then an exact check in
Python. The article body and its ancestors are protected, so a wrapper whose class happens to say
"sidebar" or "comments-open" never takes the story with it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from enum import Enum
from itertools import accumulate
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.ingest.stages.extract.patterns import (
    HINT_ATTRIBUTES,
    LABEL_BY_TAG,
    LABEL_OUTSIDE_ARTICLE,
    MARKER,
    SHORT_TEXT_XPATH,
    TEXT_HINT,
    TEXT_HINT_MATCHER,
    TEXT_RULES,
    attribute_hint,
    label_for_attributes,
)
from newsdesk.ingest.stages.extract.region import narrow_to_article
from newsdesk.markup.hidden import hidden_reason
from newsdesk.markup.region import densest_container

# Containers larger than this share of the page's text are never removed by a text rule.
MAX_SHARE = 0.4
# A box (newsletter, read-more) is climbed out of while its parent has fewer characters than this.
SMALL_BOX = 400
# A <noscript> with this much text holds the page's content, not a "please enable JavaScript" note.
NOSCRIPT_PROSE = 500
_PROSE_XPATH = etree.XPath(
    "descendant::p[string-length(normalize-space(.)) > 150]"
    " | descendant::li[string-length(normalize-space(.)) > 150]"
)
# Per hint attribute, each value seen lately and its hint (see _scan); at most this many values each.
HINT_TABLE_SIZE = 8192
_HINT_TABLES: dict[str, dict[str, str | None]] = {name: {} for name in HINT_ATTRIBUTES}
_UNSEEN = object()
# Tags that make an element a candidate wherever it stands (and every "amp-…" tag), and tags that mark
# the article body.
_FURNITURE_TAGS = frozenset({"nav", "footer", "aside", "header"})
_MARKER_TAGS = frozenset({"article", "main"})
# <figcaption>: photo captions and credits ("Photo: … / Agency") are not the story's text; the image stays.
DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "link", "meta",
    "figcaption",
)  # fmt: skip
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _Unknown(Enum):
    """remove_furniture's `core` when the caller has not worked it out (None is an answer: no long
    paragraphs on the page)."""

    CORE = 0


BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "section", "aside", "form", "h1", "h2", "h3", "h4", "h5", "h6",
     "header", "footer", "nav", "figure", "blockquote", "table", "dl"}
)  # fmt: skip


def page_body(root: HtmlElement) -> HtmlElement:
    """The element the clean-up works on: the page's <body>, or the whole tree when it has none."""
    body = root.find("body")
    return root if body is None else body


def remove_furniture(
    root: HtmlElement, title: str | None = None, *, core: HtmlElement | _Unknown | None = _Unknown.CORE
) -> tuple[str, ...]:
    """Strip boilerplate from `root` in place; return the kinds removed, in a stable order.

    With the page's `title`, also narrow the page to the headline-and-body region (region.py). `core`
    is `densest_container(page_body(root))` when the caller has it already, for the tree as it is now.
    """
    body = page_body(root)
    anchors, candidates = _scan(body, densest_container(body) if core is _Unknown.CORE else core)
    protected = {body, *anchors}
    for anchor in anchors:
        protected.update(anchor.iterancestors())
    labelled = _markup_matches(candidates, anchors, protected)
    removed = list(labelled.values())
    for element in labelled:
        if not any(ancestor in labelled for ancestor in element.iterancestors()):
            element.drop_tree()
    page_chars = len(_text(body)) or 1
    for element, label in _text_matches(body, protected, page_chars):
        if _drop(element, body, protected):
            removed.append(label)
    _unwrap_noscript_prose(body)
    etree.strip_elements(body, *DROP_TAGS, with_tail=False)
    if narrow_to_article(body, title):
        removed.append("outside-article")
    _unwrap_amp_images(body)
    return tuple(sorted(set(removed)))


def _scan(body: HtmlElement, core: HtmlElement | None) -> tuple[set[HtmlElement], set[HtmlElement]]:
    """One pass over the attributes: (the article body's anchors, candidate furniture).

    Anchors are the body by markup (article, main, articleBody, entry-content and kin) and the
    element whose paragraphs hold the most text; candidates are elements whose tag or an attribute
    hints at furniture.
    """
    anchors: set[HtmlElement] = set()
    candidates: set[HtmlElement] = set()
    # The tags are read in the same walk (the body's own tag, "body" or "html", is none of them): two
    # XPath unions over the descendants cost more than the whole attribute walk, five passes over the
    # tree and a local-name() per element.
    # One walk over the elements, reading the few attributes that can hint: cheaper than an XPath
    # union of attribute values, each of which lxml wraps in a string that knows its element. Most
    # elements have one or two attributes: going through their names is cheaper than asking for each
    # of the nine hint attributes in turn.
    # A value's hint comes from a plain dict per attribute name first: pages repeat the same class names
    # hundreds of times, and a dict lookup costs a fifth of a call through attribute_hint's lru_cache
    # (which builds and hashes a key tuple each time). The dicts are emptied when they grow too large.
    tables = _HINT_TABLES
    for element in body.iter(etree.Element):
        tag = element.tag
        if tag in _FURNITURE_TAGS or tag.startswith("amp-"):
            candidates.add(element)
        elif tag in _MARKER_TAGS:
            anchors.add(element)
        for name in element.keys():  # noqa: SIM118 (iterating an element gives its children)
            table = tables.get(name)
            if table is None:
                continue
            value = element.get(name)
            hint = table.get(value, _UNSEEN)
            if hint is _UNSEEN:
                if len(table) >= HINT_TABLE_SIZE:
                    table.clear()
                hint = table[value] = attribute_hint(name, value)
            if hint == MARKER:
                anchors.add(element)
            elif hint:
                candidates.add(element)
    if core is not None:
        anchors.add(core)
    return anchors, candidates


def _markup_matches(
    candidates: set[HtmlElement], anchors: set[HtmlElement], protected: set[HtmlElement]
) -> dict[HtmlElement, str]:
    """Removable furniture by markup, with its kind. Nested furniture is listed too, for the record."""
    labelled: dict[HtmlElement, str] = {}
    for element in candidates:
        if element in protected:
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        attributes = element.attrib
        if tag in HEADINGS and "id" in attributes:
            # A heading's id is an anchor made from its own words, for a table of contents
            # ("nav_the_foil_stays_behind"): it says what the section is about, not that it is furniture.
            attributes = {name: value for name, value in attributes.items() if name != "id"}
        label = label_for_attributes(attributes) or LABEL_BY_TAG.get(tag)
        if label is None and tag in LABEL_OUTSIDE_ARTICLE and _outside_story(element, tag, anchors):
            label = LABEL_OUTSIDE_ARTICLE[tag]
        if label is None and hidden_reason(element):
            label = "hidden"
        if label:
            labelled[element] = label
    return labelled


def _outside_story(element: HtmlElement, tag: str, anchors: set[HtmlElement]) -> bool:
    """Outside the article body, and not the story's own header (a <header> holding the <h1>)."""
    if _inside(element, anchors):
        return False
    return not (tag == "header" and element.find(".//h1") is not None)


def _inside(element: HtmlElement, anchors: set[HtmlElement]) -> bool:
    return element in anchors or any(ancestor in anchors for ancestor in element.iterancestors())


def _text_matches(
    body: HtmlElement, protected: set[HtmlElement], page_chars: int
) -> Iterable[tuple[HtmlElement, str]]:
    for node in _hinted(SHORT_TEXT_XPATH(body)):
        owner = node.getparent()
        if owner is not None and node.is_tail:
            owner = owner.getparent()
        if owner is None or not _attached(owner, body):
            continue
        text = " ".join(str(node).split())
        for rule in TEXT_RULES:
            if rule.pattern.match(text):
                kind = rule.kind
                if kind == "heading-alone":
                    if " ".join(_text(_block(owner)).split()) != text:
                        break  # part of a sentence or a paragraph
                    kind = "heading"
                target = (
                    _credit_block(owner, text, protected)
                    if kind == "credit"
                    else _container(owner, kind, protected, page_chars)
                )
                if target is not None:
                    yield target, rule.label
                break


def _hinted(nodes: list[Any]) -> Iterator[Any]:
    """The text nodes holding a TEXT_HINT word (lower-cased), in document order.

    The nodes are joined and searched in one pass of TEXT_HINT_MATCHER; each match is mapped back to
    its node by position. No hint word holds the separator, so a match never spans two nodes, and a
    node holding a word gets at least one match (a match ends inside its node, and the next search
    starts there). When lower-casing changes the text's length ("İ"), positions would not map back:
    those pages are searched node by node.
    """
    joined = "\x00".join(nodes)
    lowered = joined.lower()
    if len(lowered) != len(joined):
        yield from (node for node in nodes if TEXT_HINT.search(node.lower()))
        return
    ends = list(accumulate(len(node) + 1 for node in nodes))
    last = -1
    for _, start, _ in TEXT_HINT_MATCHER.find_matches_as_indexes(lowered):
        index = bisect_right(ends, start)
        if index != last:
            last = index
            yield nodes[index]


def _credit_block(owner: HtmlElement, credit: str, protected: set[HtmlElement]) -> HtmlElement | None:
    """The largest element around a photo credit that says nothing else (never a paragraph that
    merely ends with a credit)."""
    found = None
    block: HtmlElement | None = owner
    while block is not None and block not in protected and len(" ".join(_text(block).split())) <= len(credit):
        found = block
        block = block.getparent()
    return found


def _container(
    owner: HtmlElement, kind: str, protected: set[HtmlElement], page_chars: int
) -> HtmlElement | None:
    """What a wording match takes with it: its line, its small box, or the section it heads."""
    block = _block(owner)
    if block in protected:
        return None
    if kind == "heading":
        section = block.getparent()
        climbed = False
        while section is not None and section not in protected and _only_child(section, block):
            # Wrappers holding the heading and nothing else ("<li class=title><div>Related</div></li>"
            # as the first item of the list it heads): the section is around them.
            block, section, climbed = section, section.getparent(), True
        if (
            section is not None
            and section not in protected
            and not _has_prose(section)  # first: it stops at a story's second paragraph
            and (len(_text(section)) < MAX_SHARE * page_chars or _mostly_links(section))
            # Reached out of wrappers, only a box of links: a short story around a wrapped heading stays.
            and (not climbed or _mostly_links(section))
        ):
            return section
        sibling = block.getnext()
        if (
            sibling is not None
            and sibling.tag in ("ul", "ol")
            and sibling not in protected
            and _mostly_links(sibling)
        ):
            sibling.drop_tree()  # a heading straight in the body, followed by its list of links
        return block
    while True:
        parent = block.getparent()
        if parent is None or parent in protected or len(_text(parent)) >= SMALL_BOX:
            return block
        block = parent


def _block(owner: HtmlElement) -> HtmlElement:
    """The block element a text belongs to (the element itself when it is one)."""
    block = owner
    while block.tag not in BLOCKS and block.getparent() is not None:
        block = block.getparent()
    return block


def _only_child(outer: HtmlElement, inner: HtmlElement) -> bool:
    """`inner` is all `outer` holds: its one child, with no text of its own around it."""
    return len(outer) == 1 and not (outer.text or "").strip() and not (inner.tail or "").strip()


def _has_prose(element: HtmlElement) -> bool:
    """Two paragraphs of real length outside links: a section of the story (say, its second half), not
    a widget. A teaser card's summary inside its link ("more stories" cards) is not the story's prose."""
    found = 0
    for block in _PROSE_XPATH(element):
        linked = sum(len(" ".join("".join(a.itertext()).split())) for a in block.iter("a"))
        if (
            next(block.iterancestors("a"), None) is None
            and len(" ".join(_text(block).split())) - linked > 150
        ):
            found += 1
            if found == 2:
                return True
    return False


def _mostly_links(element: HtmlElement) -> bool:
    """At least half of the element's characters, white space not counted (markup indents), in links."""
    total = _visible_chars(_text(element))
    linked = sum(_visible_chars("".join(a.itertext())) for a in element.iter("a"))
    return total > 0 and linked >= 0.5 * total


def _visible_chars(text: str) -> int:
    return len("".join(text.split()))


def _drop(element: HtmlElement, body: HtmlElement, protected: set[HtmlElement]) -> bool:
    """Remove `element` (keeping its tail text) unless protected or already gone with an ancestor."""
    if element in protected or not _attached(element, body):
        return False
    element.drop_tree()
    return True


def _attached(element: HtmlElement, body: HtmlElement) -> bool:
    return element is body or any(ancestor is body for ancestor in element.iterancestors())


def _text(element: HtmlElement) -> str:
    return "".join(element.itertext())


def _unwrap_noscript_prose(body: HtmlElement) -> None:
    """Some blog platforms put the whole post in a <noscript> beside the script that renders it:
    keep such text (the element goes, its content stays). Short <noscript> notes are dropped."""
    for element in list(body.iter("noscript")):
        if len(_PROSE_XPATH(element)) or len(_text(element)) > NOSCRIPT_PROSE:
            element.drop_tag()


def _unwrap_amp_images(body: HtmlElement) -> None:
    """AMP pages say <amp-img>; trafilatura and our lead-image search look for <img>."""
    for element in body.iter("amp-img"):
        element.tag = "img"
