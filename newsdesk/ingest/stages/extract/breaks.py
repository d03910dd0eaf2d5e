"""Paragraphs written with line breaks, made into paragraphs before trafilatura reads the page.

Many blogs and older CMSs write a story as text straight inside a `<div>`, its paragraphs parted by
`<br><br>` rather than wrapped in `<p>`. trafilatura reads such text as a run of loose text nodes,
and with links and formatting kept (as we keep them, for the stored HTML) it loses words: the text
after an inline link is dropped ("the table of contents (<a>PDF</a>) shows that…" keeps only "the
table of contents ("), and the space before an italic goes ("the book<i>Code</i>"). A browser shows
each stretch between two line breaks as a paragraph; so do we: the stretch becomes a `<p>` holding
its text, links and emphasis, and trafilatura reads it as any other paragraph.

Only boxes that hold text of their own, a line break and an inline element with text are rewritten:
a box of line breaks and plain text alone reads well already. The same trimming loses spaces beside
links and emphasis elsewhere too (a list item with a line break): keep_spaces and drop_marks, below.
"""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

# Boxes whose own text may be a story written with line breaks (not table cells: a cell is read
# as a cell, nor list items and paragraphs, which already are one block each).
BOXES = ("div", "section", "article", "main")
PROSE = 200
# Elements that stay blocks of their own between the new paragraphs.
_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "section", "article", "main", "aside", "form", "h1", "h2", "h3",
     "h4", "h5", "h6", "header", "footer", "nav", "figure", "blockquote", "table", "dl", "pre",
     "hr", "address", "details", "fieldset", "iframe", "video", "audio", "script", "style"}
)  # fmt: skip
# Inline elements whose text trafilatura mishandles between line breaks.
_INLINE_TEXT = frozenset({"a", "em", "i", "b", "strong", "span", "u", "code", "small", "sup", "sub"})


# The boxes worth a closer look: a line break and an inline element among their children, found
# by libxml2 (a walk in Python over every box cost more than the rewriting).
_CANDIDATES = XPath(
    " | ".join(
        f"descendant::{box}[br][{' or '.join(f'{tag}' for tag in sorted(_INLINE_TEXT))}]" for box in BOXES
    )
)


def paragraphs_from_breaks(root: HtmlElement) -> None:
    """Rewrite every box of `root` that writes its paragraphs with `<br><br>` (see above)."""
    for box in _CANDIDATES(root):
        if _written_with_breaks(box):
            _rewrite(box)


def _written_with_breaks(box: HtmlElement) -> bool:
    """Paragraphs parted by two line breaks, an inline element with text among them, and at least
    PROSE characters of text outside any block child: a story, not a widget or an info line."""
    parted = has_inline = False
    loose = len((box.text or "").strip())
    children = list(box)
    for index, child in enumerate(children):
        tag = child.tag
        if tag == "br":
            parted = parted or _next_is_break(children, index)
        elif tag in _INLINE_TEXT:
            words = len(child.text_content().strip())
            has_inline = has_inline or bool(words)
            loose += words
        loose += len((child.tail or "").strip())
    return parted and has_inline and loose >= PROSE


def _rewrite(box: HtmlElement) -> None:
    children = list(box)
    text, box.text = box.text, None
    for child in children:
        box.remove(child)  # lxml moves the tail with its element
    paragraph = _paragraph(box, text)
    index = 0
    while index < len(children):
        child = children[index]
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br" and _next_is_break(children, index):
            # Two or more line breaks with only white space between them end the paragraph.
            _close(box, paragraph)
            while tag == "br" and _next_is_break(children, index):
                index += 1
                child = children[index]
                tag = child.tag
            paragraph = _paragraph(box, child.tail)
        elif tag in _BLOCKS:
            _close(box, paragraph)
            tail, child.tail = child.tail, None
            box.append(child)
            paragraph = _paragraph(box, tail)
        else:
            paragraph.append(child)
        index += 1
    _close(box, paragraph)


def _next_is_break(children: list[HtmlElement], index: int) -> bool:
    """The element at `index` is a `<br>` followed, after white space only, by another `<br>`."""
    child = children[index]
    return (
        child.tag == "br"
        and not (child.tail or "").strip()
        and index + 1 < len(children)
        and children[index + 1].tag == "br"
    )


def _paragraph(box: HtmlElement, text: str | None) -> HtmlElement:
    paragraph = box.makeelement("p", {})
    paragraph.text = text
    return paragraph


def _close(box: HtmlElement, paragraph: HtmlElement) -> None:
    """Add the paragraph to the box without the line breaks it starts or ends with, unless it holds
    nothing else."""
    while len(paragraph) and paragraph[0].tag == "br" and not (paragraph.text or "").strip():
        paragraph.text = paragraph[0].tail
        paragraph.remove(paragraph[0])
    while len(paragraph) and paragraph[-1].tag == "br" and not (paragraph[-1].tail or "").strip():
        paragraph.remove(paragraph[-1])
    if (paragraph.text or "").strip() or len(paragraph):
        box.append(paragraph)


# ---- spaces beside links and emphasis ---------------------------------------------------------
#
# trafilatura trims each text node on its own, so the space between a word and a link or an italic
# that follows it is lost in some of its paths (after a line break inside a list item, a paragraph
# rebuilt from loose text): "3-Wege- oder<a>Ballonfinanzierungen</a>". Before it reads the page,
# such a space gets a mark after it (before it, on the tail side) that its trimming keeps; every
# mark is taken out of its result again. U+FDD0 is a Unicode noncharacter, which no page means to
# show: one that a page holds itself goes with ours.
MARK = "\ufdd0"
_SPACED = ("a", "em", "i", "b", "strong", "u", "code", "sub", "sup", "del", "s")


def keep_spaces(root: HtmlElement) -> None:
    """Mark the spaces around links and emphasis inside running text (see above)."""
    for element in root.iter(*_SPACED):
        before = element.getprevious()
        parent = element.getparent()
        if before is not None:
            before.tail = _mark_between(before) or _mark_end(before.tail)
        elif parent is not None:
            parent.text = _mark_end(parent.text)
        tail = element.tail
        if tail and tail[0].isspace() and tail.strip():
            element.tail = MARK + tail.replace(MARK, "")
        else:
            after = element.getnext()
            if after is not None and after.tag in _INLINE_TEXT:
                element.tail = _mark_between(element) or tail


def _mark_between(before: HtmlElement) -> str | None:
    """A space alone between two inline elements on one line ("<span>kernige</span> <a>Haferflocken</a>":
    a word in an element of its own, then the link) has no word beside it to hold on to: it is marked on
    both sides. Only spaces: a line break and indentation between two elements is how markup lays out
    a list of links, and the marks would count as text between its links. None when `before` is no
    inline element holding text, or its tail is not spaces alone."""
    tail = before.tail
    if tail and not tail.strip(" ") and before.tag in _INLINE_TEXT and before.text_content().strip():
        return MARK + " " + MARK
    return None


def _mark_end(text: str | None) -> str | None:
    if text and text[-1].isspace() and text.strip() and not text.endswith(MARK):
        return text.replace(MARK, "") + MARK
    return text


_MARKED = XPath(f"descendant-or-self::text()[contains(., '{MARK}')]")


def drop_marks(tree: HtmlElement) -> None:
    """Take the marks of keep_spaces out of trafilatura's result."""
    for text in _MARKED(tree):
        element = text.getparent()
        if text.is_tail:
            element.tail = element.tail.replace(MARK, "")
        else:
            element.text = element.text.replace(MARK, "")
