"""Where a page's article text sits: the container holding most of its long paragraphs. Pure.

Both the extraction clean-up (to protect the story and to narrow a page to it) and the integrity
passes (never to cut the article itself out as a planted block) ask this of a parsed page.
"""

from __future__ import annotations

from collections import Counter

from lxml.etree import XPath
from lxml.html import HtmlElement

LONG_PARAGRAPHS = XPath("descendant::p[string-length(.) > 80]")


def densest_container(body: HtmlElement) -> HtmlElement | None:
    """The element whose own paragraphs (longer than a line) hold the most text.

    Counted in characters, not paragraphs: a rail of ten one-line teasers must not outweigh a story
    of five real paragraphs.
    """
    weights: Counter[HtmlElement] = Counter()
    for paragraph in LONG_PARAGRAPHS(body):
        weights[paragraph.getparent()] += len(paragraph.text_content())
    return weights.most_common(1)[0][0] if weights else None


def prose_chars(root: HtmlElement) -> int:
    """Characters in the paragraphs longer than a line: the page's prose, by a cheap measure."""
    return sum(len(paragraph.text_content()) for paragraph in LONG_PARAGRAPHS(root))
