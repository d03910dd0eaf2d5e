"""Where a page's article text sits: the container holding most of its long paragraphs. Pure.

Both the extraction clean-up (to protect the story and to narrow a page to it) and the integrity
passes (never to cut the article itself out as a planted block) ask this of a parsed page.
"""

from __future__ import annotations

from collections import Counter

from lxml.etree import XPath
from lxml.html import HtmlElement

# A paragraph longer than this many characters (about a line) is prose, not a label or a teaser.
LINE = 80
LONG_PARAGRAPHS = XPath(f"descendant::p[string-length(.) > {LINE}]")


def densest_container(body: HtmlElement) -> HtmlElement | None:
    """The element whose own paragraphs (longer than a line) hold the most text.

    Counted in characters, not paragraphs: a rail of ten one-line teasers must not outweigh a story
    of five real paragraphs.
    """
    return _weigh(body)[1]


def prose_chars(root: HtmlElement) -> int:
    """Characters in the paragraphs longer than a line: the page's prose, by a cheap measure."""
    return sum(len(paragraph.text_content()) for paragraph in LONG_PARAGRAPHS(root))


def own_prose(element: HtmlElement) -> int:
    """Characters in `element`'s own paragraphs longer than a line: what makes a container densest."""
    return sum(length for child in element.iterchildren("p") if (length := len(child.text_content())) > LINE)


def prose_and_core(root: HtmlElement, body: HtmlElement) -> tuple[int, HtmlElement | None]:
    """`prose_chars(root)` and `densest_container(body)` from one reading of the long paragraphs, for
    a tree that does not change between the two questions (`body` is `root`'s body, or `root`)."""
    prose, core = _weigh(root)
    if core is not None and core is not body and body not in core.iterancestors():
        core = densest_container(body)  # the densest paragraphs sit outside the body (never, in practice)
    return prose, core


def _weigh(element: HtmlElement) -> tuple[int, HtmlElement | None]:
    weights: Counter[HtmlElement] = Counter()
    for paragraph in LONG_PARAGRAPHS(element):
        weights[paragraph.getparent()] += len(paragraph.text_content())
    return weights.total(), weights.most_common(1)[0][0] if weights else None
