"""extract_article: one page in, an Extracted out. Pure; no Django, no I/O.

The order matters: metadata is read from the whole page (JSON-LD and <head> are untouched by the
clean-up), then elements hidden by inline CSS are cut out (with their styles still there to tell),
then the furniture is removed in place, then planted link blocks and keyword-stuffed paragraphs
(newsdesk/integrity/inject.py), then the byline, date fallback and body are read from what is left.
The page is parsed once and that one tree is reused throughout.
"""

from __future__ import annotations

from lxml import etree

from newsdesk.ingest.stages.extract.authors import byline_authors, people_only, split_authors
from newsdesk.ingest.stages.extract.clean import page_body, remove_furniture
from newsdesk.ingest.stages.extract.content import Body, extract_body
from newsdesk.ingest.stages.extract.dates import fallback_date, meta_tags, structured_date, updated_date
from newsdesk.ingest.stages.extract.document import decode, parse
from newsdesk.ingest.stages.extract.meta import read_metadata
from newsdesk.integrity.inject import Stripped, strip_hidden, strip_planted
from newsdesk.markup.language import declared_language, detect_language
from newsdesk.markup.region import LINE, own_prose, prose_and_core
from newsdesk.types import Extracted, ExtractError, Injection

# A body shorter than this many characters gets a second look without our clean-up, which is kept
# when it finds at least MORE_TEXT times as much text: the clean-up took the story for furniture.
# The second look lets trafilatura compare its result with its fallback extractors (fast=False):
# a short result is where they help, and only short bodies pay for them (docs/decisions/0021).
SHORT_BODY = 1000
MORE_TEXT = 2
# A page with less prose than this (two or three paragraphs) keeps its text in something else: lists,
# tables, <div>s, a forum's posts. Its short body always gets the second look.
LITTLE_PROSE = 300
# A body shorter than the prose of the page's densest container (the paragraphs the clean-up
# protects), whose own prose (lines longer than a line, region.LINE) is less than this share of it, is
# mostly something else: the first look is taken again with trafilatura's fallbacks (docs/decisions/0021).
MISSED = 0.5


def extract_article(
    html: bytes | str, *, url: str | None = None, charset: str | None = None, fast: bool = True
) -> Extracted:
    """Article fields of a page. Raises ExtractError only when the input is not HTML at all.

    `url` is where the page was fetched from (to make links absolute); `charset` the one the HTTP
    response declared. `fast=False` lets trafilatura compare its first result with its fallback
    extractors too, for the benchmark's sake; the second look at a short body always does, and so does
    the first look taken again when the fast body is mostly not prose.
    """
    try:
        return _extract(html, url, charset, fast)
    except ExtractError:
        raise
    except (ValueError, TypeError, RecursionError, etree.LxmlError) as error:
        # lxml and trafilatura raise these on pathological markup; one sentence, no traceback.
        raise ExtractError("The page could not be read as HTML.") from error


def _extract(html: bytes | str, url: str | None, charset: str | None, fast: bool) -> Extracted:
    text = decode(html, charset)
    root = parse(text)
    meta = read_metadata(root, url)
    metas = meta_tags(root)
    published = structured_date(root, meta.json_ld_date, metas) or fallback_date(root)
    updated = updated_date(root, meta.json_ld_modified, metas)
    language = declared_language(root, meta.json_ld_language)
    base = url or meta.canonical_url
    hidden = strip_hidden(root, page_url=base)  # first: the furniture pass would drop them unexamined
    # One reading of the long paragraphs gives the page's prose and the clean-up's densest container:
    # nothing changes the tree between the two.
    prose, core = prose_and_core(root, page_body(root))
    core_prose = own_prose(core) if core is not None else 0
    removed = remove_furniture(root, meta.title, core=core)
    injections = hidden.injections + strip_planted(root, title=meta.title, page_url=base)
    authors = people_only(split_authors(meta.author, text), meta.site_name, base) or people_only(
        byline_authors(root), meta.site_name, base
    )
    body = extract_body(root, base, meta.title, authors, dated=published is not None, fast=fast)
    if len(body.text) < SHORT_BODY and _worth_a_second_look(len(body.text), prose):
        second = _look_again(text, base, meta.title, authors, published is not None, clean=False)
        if len(second[0].text) > MORE_TEXT * len(body.text):
            # Nothing of the first clean-up is in this result: report what this look removed.
            body, removed, hidden, injections = second
    if fast and len(body.text) < core_prose and _long_lines(body.text) < MISSED * core_prose:
        # The body is shorter than the page's densest container's prose and holds less than half as
        # much prose itself: it is mostly something else (a calendar, a table of facts), and the fast
        # look likely missed the story's paragraphs.
        # The same first look with trafilatura's fallbacks is kept when it finds more text.
        again = _look_again(text, base, meta.title, authors, published is not None, clean=True)
        if len(again[0].text) > len(body.text):
            body, removed, hidden, injections = again
    return Extracted(
        title=meta.title,
        authors=authors,
        published=published,
        updated=updated,
        language=language or detect_language(body.text),
        text=body.text,
        html=body.html,
        lead_image=meta.image or body.first_image,
        canonical_url=meta.canonical_url,
        description=meta.description,
        site_name=meta.site_name,
        removed=_labels(removed, hidden.hidden, injections),
        injections=injections,
    )


def _long_lines(text: str) -> int:
    """Characters in the lines of `text` longer than a line (region.LINE): its prose, measured as the
    page's is."""
    return sum(length for line in text.split("\n") if (length := len(line)) > LINE)


def _worth_a_second_look(found: int, prose: int) -> bool:
    """Skip the second look when the body already holds about all the page's prose (paragraphs of
    more than a line): the clean-up did not take the story, and the fallbacks could only swap it for
    some other block. A page with little such prose (a forum, a page of <div>s) is always looked at."""
    return prose < LITTLE_PROSE or prose > MORE_TEXT * found


def _look_again(
    text: str, base: str | None, title: str | None, authors: tuple[str, ...], dated: bool, *, clean: bool
) -> tuple[Body, tuple[str, ...], Stripped, tuple[Injection, ...]]:
    """Another look at a fresh copy of the page, with trafilatura's fallbacks (fast=False): hidden text
    and planted spam are always cut out. Returns the body, the furniture labels, the hidden elements
    and all injections.

    - `clean=False`, when the cleaned page held little or no article: our clean-up can take a story
      whose markup looks like furniture (a post inside a "widget", a blog's main column called
      "sidebar", a page builder's sections), and trafilatura's own extraction can miss a story that its
      fallback extractors find (a page of questions and answers, a forum thread). No furniture goes.
    - `clean=True`, when the fast body is mostly not prose: the same clean-up as the first look, so the
      same furniture goes."""
    root = parse(text)
    hidden = strip_hidden(root, page_url=base)
    removed: tuple[str, ...] = ()
    if clean:
        _, core = prose_and_core(root, page_body(root))
        removed = remove_furniture(root, title, core=core)
    injections = hidden.injections + strip_planted(root, title=title, page_url=base)
    return extract_body(root, base, title, authors, dated=dated, fast=False), removed, hidden, injections


def _labels(removed: tuple[str, ...], hidden: int, injections: tuple[Injection, ...]) -> tuple[str, ...]:
    """The furniture labels plus ours: "hidden" for any hidden element, "spam-<kind>" per injection."""
    labels = set(removed) | {f"spam-{injection.kind}" for injection in injections}
    if hidden:
        labels.add("hidden")
    return tuple(sorted(labels))
