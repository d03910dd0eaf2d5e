"""The article body: trafilatura on our cleaned tree, then HTML and plain text from its result.

trafilatura runs in its fast mode (no readability/jusText fallback comparison) on our cleaned tree,
where the fallbacks no longer change the result on the benchmark pages while costing a quarter of the
time; bench/extract measures both, see docs/benchmarks.md. The second look at a short body, and the
first look taken again when the fast body is mostly not prose (article.py), run them: that is where
they find text.
"""

from __future__ import annotations

import re
import unicodedata
from copy import copy
from dataclasses import dataclass

from lxml.etree import XPath, _Element, tostring
from lxml.html import HtmlElement
from trafilatura.core import trafilatura_sequence
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Extractor
from trafilatura.xml import delete_element

from newsdesk.core.urls import safe_url
from newsdesk.ingest.stages.extract.breaks import drop_marks, keep_spaces, paragraphs_from_breaks
from newsdesk.ingest.stages.sanitize import element_text, sanitize_html

# Below this many words, or when most of the text is link text, the page has no article to speak of;
# nor below SHORT_WORDS when the page names no author and no date (an error page, a section index).
# A dated or signed post of a few lines is an article: blogs publish them.
MIN_WORDS = 10
SHORT_WORDS = 60
MAX_LINK_SHARE = 0.6
BYLINE_CHARS = 120
# Short label blocks ("Council", "Analysis · Transport") that may stand above a repeated headline.
KICKER_BLOCKS = 2
KICKER_WORDS = 4
# A block that is one link and nothing else, up to this many words, points elsewhere: a control
# ("Back to top") or a teaser of another story, a headline's length ("Read also" lines without
# the label, headlines set between the paragraphs). A headline rarely runs past twenty words.
LINK_LINE_WORDS = 20
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
_HEADINGS = {"h1": "h2", "h5": "h4", "h6": "h4"}
_LINKED_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# A picture inside a link to another page that also holds text is a teaser card's thumbnail: a "more
# stories" card holds its picture and headline in one link. trafilatura never judges a block holding
# a picture by its link density (it keeps image containers whole), so with images on such cards would
# reach the text. Without their thumbnails they are judged like any other block of links. A picture
# alone in its link (a gallery, a shop) and a link to the image file itself (a lightbox, "enlarge")
# keep theirs: those are the story's own as often as not.
_LINKED_IMAGES = XPath("descendant::a[@href]/descendant::img")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg)$", re.IGNORECASE)
# Captions and photo credits marked by class or id, outside <figcaption> (which the clean-up drops):
# not the story's text. Only short ones without a picture inside: a slideshow's long captions are.
# (A union of one step per tag finds the same elements, in the same order, about a third faster than
# one step over every element testing its tag.)
_CAPTION_MARK = "[contains(@class, 'caption') or contains(@id, 'caption') or contains(@class, 'credit')]"
_CAPTIONS = XPath(" | ".join(f"descendant::{tag}{_CAPTION_MARK}" for tag in ("div", "p", "span", "section")))
CAPTION_WORDS = 20
# A block that says exactly what a picture beside it says in its `alt` or `title` is that picture's
# caption, whatever its class: a CMS writes the caption once and prints it in both places. "Beside"
# is within ALT_CAPTION_LEVELS ancestors of the picture, not counting its link and <picture>. At
# least ALT_CAPTION_MIN_WORDS words, so a one-word alt ("Logo", a name) never matches a line of the
# story. Headings are never captions; a block inside running text is not all of a caption.
ALT_CAPTION_LEVELS = 2
ALT_CAPTION_MIN_WORDS = 4
_ALT_IMAGES = XPath("descendant::img[@alt or @title]")
# Wrappers that do not count as a level: libxml2 also nests an <img> inside a <source> it leaves open.
_PICTURE_WRAPPERS = frozenset({"picture", "source", "a", "noscript"})
_INLINE = frozenset({"span", "a", "em", "i", "b", "strong", "small"})
_CAPTION_TAGS = ("p", "div", "span", "strong", "b", "em", "i", "small")

# "xml" rather than "python": the same extraction, minus a plain-text rendering we do not use.
_OPTIONS = Extractor(
    output_format="xml",
    fast=True,
    comments=False,
    formatting=True,
    links=True,
    images=True,
    tables=True,
)


@dataclass(frozen=True)
class Body:
    text: str = ""
    html: str = ""
    first_image: str | None = None


def extract_body(
    root: HtmlElement,
    base_url: str | None,
    title: str | None = None,
    authors: tuple[str, ...] = (),
    *,
    dated: bool = False,
    fast: bool = True,
) -> Body:
    """Main content of a cleaned page; an empty Body when there is no article.

    Leading blocks that repeat the headline or the byline are dropped: both have their own fields,
    and the excerpt should start with the story.
    """
    options = copy(_OPTIONS)
    options.source = base_url  # links are made absolute by sanitize_html, once
    options.fast = fast
    _drop_head(root)
    _drop_teasers_and_captions(root)
    paragraphs_from_breaks(root)
    keep_spaces(root)
    try:
        # What bare_extraction does with our options, minus its copy of the whole tree (about 3% of
        # our time): nobody reads `root` after this, so trafilatura may prune it in place.
        extracted, extracted_text, _, _ = trafilatura_sequence(root, options, options.url)
    except (TypeError, ValueError):
        return Body()
    if not extracted_text:
        return Body()
    body = convert_to_html(extracted).find("body")
    if body is None:
        return Body()
    drop_marks(body)
    for element in body.iter(*_HEADINGS):
        element.tag = _HEADINGS[str(element.tag)]
    _inline_code(body)
    _drop_repeated_title(body, title)
    _drop_byline(body, authors)
    _drop_link_lines(body)
    # NFC, as trafilatura's own text output: a page may spell "ü" as "u" plus a combining diaeresis,
    # and stored text should match what readers type and what other copies of the story say.
    _nfc_text(body)
    text = element_text(body)
    if not _is_article(body, text, bool(authors) or dated):
        return Body()
    inner = (body.text or "") + "".join(tostring(child, encoding="unicode") for child in body)
    html = sanitize_html(inner, base_url)
    return Body(text=text, html=html, first_image=_first_image(body, base_url))


def _inline_code(body: _Element) -> None:
    """trafilatura writes every piece of code as `<code>` and its HTML output makes each a `<pre>`
    block, so a command named inside a sentence ("run <code>make</code> first") would split the
    paragraph in three (and a `<pre>` cannot stand in a `<p>`). Code of one line inside a paragraph, or
    with words of the sentence around it, is inline code again; code of several lines stays a block
    wherever it stands (a list item's commands keep their lines)."""
    for pre in list(body.iter("pre")):
        if "\n" in "".join(pre.itertext()).strip():
            continue
        parent = pre.getparent()
        before = pre.getprevious()
        around = (before.tail if before is not None else parent.text if parent is not None else "") or ""
        if (parent is not None and parent.tag == "p") or around.strip() or (pre.tail or "").strip():
            pre.tag = "code"


def _drop_head(root: HtmlElement) -> None:
    """Metadata has been read by now, and trafilatura copies the whole tree several times: a <head>
    full of styles, scripts and JSON-LD would be copied for nothing."""
    head = root.find("head")
    if head is not None:
        root.remove(head)


def _drop_teasers_and_captions(root: HtmlElement) -> None:
    """Teasers' thumbnails and short captions go before trafilatura reads the page (see above)."""
    for image in _LINKED_IMAGES(root):
        link = next(image.iterancestors("a"))
        if _IMAGE_FILE.search((link.get("href") or "").split("?")[0].split("#")[0]):
            continue
        if "".join(link.itertext()).strip():
            image.drop_tree()
    for caption in _CAPTIONS(root):
        if caption.find(".//img") is None and len(caption.text_content().split()) <= CAPTION_WORDS:
            caption.drop_tree()
    _drop_alt_captions(root)


def _stands_alone(element: HtmlElement) -> bool:
    """No running text right before or after it, and no inline text after it: a `<strong>` title
    leading a longer caption ("<strong>Title</strong><span> - and more</span>") is not all of it."""
    before = element.getprevious()
    parent = element.getparent()
    around = (before.tail if before is not None else parent.text if parent is not None else "") or ""
    after = element.getnext()
    continued = after is not None and after.tag in _INLINE and bool(after.text_content().strip())
    return not around.strip() and not (element.tail or "").strip() and not continued


def _drop_alt_captions(root: HtmlElement) -> None:
    """Blocks repeating a nearby picture's `alt` or `title` word for word (see above)."""
    for image in _ALT_IMAGES(root):
        said = {
            " ".join(value.split()).casefold()
            for value in (image.get("alt"), image.get("title"))
            if value and len(value.split()) >= ALT_CAPTION_MIN_WORDS
        }
        if not said:
            continue
        box, levels = image, 0
        while levels < ALT_CAPTION_LEVELS and (parent := box.getparent()) is not None:
            box = parent
            levels += box.tag not in _PICTURE_WRAPPERS
        for element in box.iter(*_CAPTION_TAGS):
            # Cheap first: the block's own first words must begin what the picture says (its words
            # in a child of its own are met when the walk reaches that child).
            own = " ".join((element.text or "").split()).casefold()
            if not own or not any(value.startswith(own) for value in said):
                continue
            if element.find(".//img") is not None or not _stands_alone(element):
                continue
            if " ".join(element.text_content().split()).casefold() in said:
                element.drop_tree()
                break


def _drop_repeated_title(body: _Element, title: str | None) -> None:
    """Drop the headline when the body repeats it, with any short labels above it (a kicker such as
    "Council" or "Analysis"), so that the text and the excerpt start with the story."""
    if not title:
        return
    blocks = list(body)[: KICKER_BLOCKS + 1]
    for index, block in enumerate(blocks):
        if _norm(" ".join(block.itertext())) == _norm(title):
            for earlier in blocks[: index + 1]:
                delete_element(earlier, keep_tail=True)
            return
        if len(" ".join(block.itertext()).split()) > KICKER_WORDS:
            return


def _nfc_text(body: _Element) -> None:
    """The body's text (and a picture's words) in NFC; addresses (href, src) are left as the page wrote
    them, since a server that stores its files' names decomposed would not find the composed spelling."""
    for element in body.iter():
        for name in ("text", "tail"):
            value = getattr(element, name)
            if value and not unicodedata.is_normalized("NFC", value):
                setattr(element, name, unicodedata.normalize("NFC", value))
        for name in ("alt", "title"):
            value = element.get(name)
            if value and not unicodedata.is_normalized("NFC", value):
                element.set(name, unicodedata.normalize("NFC", value))


def _drop_link_lines(body: _Element) -> None:
    """A line that is one link and nothing else is a control of the page ("Back to top", "Print
    recipe") or a teaser of another story ("Ten quiet walks along the river this autumn"), not the
    story's text: trafilatura drops the short ones when it leaves links out, and keeps them when asked
    for links, as we do for the stored HTML."""
    for block in list(body):
        if block.tag in _LINKED_HEADINGS:
            continue  # a linked subheading ("<h2><a>Sony WH-1000XM5</a></h2>") is the story's own
        links = block.findall(".//a") if block.tag != "a" else [block]
        if len(links) != 1 or block.find(".//img") is not None:
            continue
        words = " ".join(block.itertext()).split()
        if not words or len(words) > LINK_LINE_WORDS or _WEB_ADDRESS.match(words[0]):
            continue  # a written-out address is the story citing its source
        if words == " ".join(links[0].itertext()).split():
            delete_element(block, keep_tail=True)


def _drop_byline(body: _Element, authors: tuple[str, ...]) -> None:
    """A short block among the first two that names every author is the byline ("Por Ana y Juan")."""
    if not authors:
        return
    names = [_norm(name) for name in authors]
    for block in list(body)[:2]:
        text = _norm(" ".join(block.itertext()))
        if len(text) <= BYLINE_CHARS and all(name in text for name in names):
            delete_element(block, keep_tail=True)
            return


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def _is_article(body: _Element, text: str, has_byline_or_date: bool) -> bool:
    words = _words(text)
    if words < MIN_WORDS or (words < SHORT_WORDS and not has_byline_or_date):
        return False
    link_words = sum(_words(" ".join(a.itertext())) for a in body.iter("a"))
    return link_words <= MAX_LINK_SHARE * words


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _words(text: str) -> int:
    """Words of `text`; Chinese and Japanese put no spaces between words, so two characters count as one."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _first_image(body: _Element, base_url: str | None) -> str | None:
    for image in body.iter("img"):
        url = safe_url(image.get("src") or image.get("data-src"), base_url)
        if url:
            return url
    return None
