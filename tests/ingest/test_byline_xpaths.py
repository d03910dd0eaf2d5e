"""The byline walk in `authors.py` selects what trafilatura's three byline XPaths select, in the same order.

trafilatura is pinned; if a new version changes `AUTHOR_XPATHS`, these tests fail until the walk follows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trafilatura.metadata import extract_metainfo
from trafilatura.xpaths import AUTHOR_XPATHS

from newsdesk.ingest.stages.extract.authors import _byline_metainfo, byline_candidates
from newsdesk.ingest.stages.extract.document import decode, parse

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"

# Each branch of each XPath, a near miss beside it, and elements that match more than one XPath.
MARKUP = [
    '<a rel="author">Ana Ruiz</a><a rel="authors">no</a>',
    '<div id="author">Ana Ruiz</div><div id="author-box">Ana Ruiz</div>',
    '<span class="author">Ana Ruiz</span><span class="Author">Ana Ruiz</span>',
    '<p itemprop="author name">Ana Ruiz</p><p itemprop="author">Ana Ruiz</p><p itemprop="name">no</p>',
    "<strong>Ana Ruiz<rel>me</rel></strong><strong>Ana<rel>you</rel></strong>",
    '<div data-testid="AuthorCard">Ana Ruiz</div><div data-testid="AuthorURL">x</div>',
    '<div data-testid="Card">n</div>',
    '<span class="post-authorname">Ana</span><span class="c author-name">Ana</span>',
    '<i class="AuthorName">A</i><span class="AuthorName">A</span>',
    '<link class="authorName" href="/a"><address class="x">no</address><author>Ana Ruiz</author>',
    '<h3 class="byline">Ana Ruiz</h3><h4 class="username">ana</h4><h5 class="byl">no</h5>',
    '<p class="BBL">A</p><p class="byl">A</p>',
    '<h3 class="byline x">Ana Ruiz</h3><span id="zuozhe-1">Wang</span><div id="bianji">Li</div>',
    '<div id="xiaobian">Li</div><a class="channel-name">Ch</a><p class="submitted-by">A</p>',
    '<span class="posted-by">A</span><span class="journalist-name">J</span>',
    '<em class="journalist-name">J</em>',
    '<section data-component="Byline">Ana Ruiz</section><section data-component="byline">no</section>',
    '<li id="postAuthor">Ana</li><li class="screenname">ana</li><li class="writer-x">A</li>',
    '<td class="Byline">Ana</td><td class="the-byline">Ana</td><td class="by-line">no</td>',
    '<div class="">empty</div><div id="">empty</div><span itemprop="">empty</span><div>plain</div>',
]


@pytest.mark.parametrize("markup", MARKUP)
def test_the_walk_selects_what_trafilaturas_xpaths_select(markup: str) -> None:
    root = parse(f"<html><head><title>t</title></head><body><main>{markup}</main></body></html>")
    assert list(byline_candidates(root)) == [xpath(root) for xpath in AUTHOR_XPATHS]


def test_the_walk_covers_the_whole_document_from_any_element() -> None:
    # trafilatura's XPaths start at the document's root (`//`), whatever element they are given.
    root = parse("<html><body><div class='author'>Ana Ruiz</div><main><p>Story</p></main></body></html>")
    main = root.find(".//main")
    assert main is not None
    assert list(byline_candidates(main)) == [xpath(main) for xpath in AUTHOR_XPATHS]
    assert byline_candidates(main)[0]


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")), ids=lambda path: path.stem)
def test_the_same_byline_text_on_every_golden_page(page: Path) -> None:
    root = parse(decode(page.read_bytes()))
    assert list(byline_candidates(root)) == [xpath(root) for xpath in AUTHOR_XPATHS]
    assert _byline_metainfo(root, len_limit=120) == extract_metainfo(root, AUTHOR_XPATHS, len_limit=120)
