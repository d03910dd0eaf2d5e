"""Narrow the page to the article's own region before trafilatura sees it.

On "div soup" pages with no <article> or articleBody markup, trafilatura reads the whole body and
takes in teaser rails and author boxes whose paragraphs look like prose. The article's region is
easy to name from two things we already know: the headline (an <h1> whose text is the title) and the
container of most long paragraphs (newsdesk/markup/region.py). Their lowest common ancestor is the
story; everything beside it is page furniture. We narrow only when that region holds most of the
page's long-paragraph text, so a story split across several containers is never cut short.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from newsdesk.markup.region import LONG_PARAGRAPHS, densest_container

MIN_SHARE = 0.6


def narrow_to_article(body: HtmlElement, title: str | None) -> bool:
    """Keep only the headline-and-body region of `body`. Returns True if any text was cut."""
    core = densest_container(body)
    headline = _headline(body, title)
    if core is None or headline is None:
        return False
    region = _common_ancestor(core, headline)
    if region is None or region is body or not _holds_most_text(region, body):
        return False
    cut = False
    node = region
    while node is not body:
        parent = node.getparent()
        if parent is None:
            return cut
        for sibling in list(parent):
            if sibling is not node:
                cut = cut or bool("".join(sibling.itertext()).strip())
                parent.remove(sibling)
        node.tail = None
        node = parent
    return cut


def _headline(body: HtmlElement, title: str | None) -> HtmlElement | None:
    if not title:
        return None
    wanted = _norm(title)
    for heading in body.iter("h1"):
        if _norm("".join(heading.itertext())) == wanted:
            return heading
    return None


def _common_ancestor(a: HtmlElement, b: HtmlElement) -> HtmlElement | None:
    lineage = {a, *a.iterancestors()}
    if b in lineage:
        return b
    for ancestor in b.iterancestors():
        if ancestor in lineage:
            return ancestor
    return None


def _holds_most_text(region: HtmlElement, body: HtmlElement) -> bool:
    inside = sum(len(p.text_content()) for p in LONG_PARAGRAPHS(region))
    total = sum(len(p.text_content()) for p in LONG_PARAGRAPHS(body))
    return total > 0 and inside >= MIN_SHARE * total


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())
