"""The clean-up's two fast scans give what the plain per-element and per-node tests give.

`_hinted` finds the short text nodes holding a hint word with one Aho-Corasick pass over the joined
texts; `_scan` reads attribute hints through a dict per attribute name. Both were rewritten for speed
only, so each is compared here with the straightforward form it replaced.
"""

from __future__ import annotations

import pytest
from lxml import etree
from lxml.html import HtmlElement

from newsdesk.ingest.stages.extract import clean, patterns
from newsdesk.ingest.stages.extract.clean import _hinted, _scan, page_body
from newsdesk.ingest.stages.extract.document import parse
from newsdesk.ingest.stages.extract.patterns import (
    HINT_ATTRIBUTES,
    MARKER,
    SHORT_TEXT_XPATH,
    TEXT_HINT,
    attribute_hint,
)

# What the clean-up selected by tag before the tags were read in its attribute walk.
FURNITURE_TAGS_XPATH = etree.XPath(
    "descendant::nav | descendant::footer | descendant::aside | descendant::header"
    " | descendant::*[starts-with(local-name(), 'amp-')]"
)
MARKER_TAGS_XPATH = etree.XPath("descendant::article | descendant::main")

PAGE = """<html><body>
<div class="site-nav menu">Home <a href="/">Front</a> tail with read more words</div>
<article class="entry-content"><h1>Harbour ferries return</h1>
<p>The morning boat left on time.</p><p>Nothing to see here.</p>
<p>READ MORE: how the pier was rebuilt</p>
<p>Comments<b>bold</b>after the bold, ticker</p>
<div id="newsletter-box" role="complementary" aria-label="Sign up">Get more stuff like this</div>
<p>Straße and İstanbul stay as written; photo by the desk</p>
<p>share</p><p>shar</p><p>e</p>
</article>
<aside class="widget related-posts"><h2>Related</h2><ul><li><a href="/x">Other story</a></li></ul></aside>
<main><amp-img src="/a.jpg"></amp-img><header><h1>x</h1></header><nav>n</nav></main>
<footer style="display:none" hidden>Footer <span itemprop="articleBody">not really</span></footer>
</body></html>"""


def _plain_hinted(nodes: list[object]) -> list[object]:
    return [node for node in nodes if TEXT_HINT.search(str(node).lower())]


def _ids(nodes: list[object]) -> list[tuple[str, object, bool]]:
    return [(str(node), node.getparent(), node.is_tail) for node in nodes]  # type: ignore[attr-defined]


def test_hinted_finds_the_nodes_a_search_per_node_finds_in_order() -> None:
    body = page_body(parse(PAGE.replace("İstanbul", "Istanbul")))
    nodes = SHORT_TEXT_XPATH(body)
    found = list(_hinted(nodes))
    assert _ids(found) == _ids(_plain_hinted(nodes))
    texts = [str(node) for node in found]
    assert "READ MORE: how the pier was rebuilt" in texts
    assert "after the bold, ticker" in texts  # a tail, found by its own words
    assert "share" in texts
    assert "shar" not in texts  # "shar" + "e" in two nodes: no match across them
    assert "e" not in texts


def test_hinted_falls_back_when_lower_casing_changes_the_length() -> None:
    body = page_body(parse(PAGE))
    nodes = SHORT_TEXT_XPATH(body)
    assert len("".join(map(str, nodes)).lower()) != len("".join(map(str, nodes)))  # "İ" lower-cases to two
    assert _ids(list(_hinted(nodes))) == _ids(_plain_hinted(nodes))


def test_hinted_with_no_nodes_and_no_words() -> None:
    assert list(_hinted([])) == []
    body = page_body(parse("<html><body><p>Quiet harbour at dawn.</p></body></html>"))
    assert list(_hinted(SHORT_TEXT_XPATH(body))) == []


def _plain_scan(body: HtmlElement) -> tuple[set[HtmlElement], set[HtmlElement]]:
    anchors: set[HtmlElement] = set()
    candidates: set[HtmlElement] = set()
    for element in body.iter(etree.Element):
        for name, value in element.items():
            hint = attribute_hint(name, value) if name in HINT_ATTRIBUTES else None
            if hint == MARKER:
                anchors.add(element)
            elif hint:
                candidates.add(element)
    return anchors, candidates


def test_scan_reads_the_hints_attribute_hint_gives() -> None:
    body = page_body(parse(PAGE))
    anchors, candidates = _scan(body, None)
    plain_anchors, plain_candidates = _plain_scan(body)
    assert anchors == plain_anchors | set(MARKER_TAGS_XPATH(body))
    assert candidates == plain_candidates | set(FURNITURE_TAGS_XPATH(body))
    assert {element.tag for element in plain_anchors} == {"article", "span"}
    # A second page reads the remembered hints and gets the same answer.
    assert _scan(page_body(parse(PAGE)), None)[1] != set()
    assert len(_scan(body, None)[1]) == len(candidates)


def test_scan_empties_a_full_table_and_still_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clean, "HINT_TABLE_SIZE", 2)
    monkeypatch.setattr(clean, "_HINT_TABLES", {name: {} for name in HINT_ATTRIBUTES})
    body = page_body(parse(PAGE))
    anchors, candidates = _scan(body, None)
    assert all(len(table) <= 2 for table in clean._HINT_TABLES.values())
    plain_anchors, plain_candidates = _plain_scan(body)
    assert anchors == plain_anchors | set(MARKER_TAGS_XPATH(body))
    assert candidates == plain_candidates | set(FURNITURE_TAGS_XPATH(body))


def _label_whole(attrib: dict[str, str]) -> str | None:
    """label_for_attributes as it was: all name values matched together, then role and aria-label."""
    names = " ".join(
        attrib.get(name, "") for name in ("class", "id", "data-component", "data-module")
    ).lower()
    tokens = patterns._AEM_COMPONENT.sub("", names).split()
    parts = {part for token in tokens for part in patterns._SPLIT.split(token)}
    role = attrib.get("role", "").lower()
    aria = set(attrib.get("aria-label", "").lower().replace(":", " ").split())
    for rule in patterns.ATTRIBUTE_RULES:
        if parts & rule.parts or set(tokens) & rule.tokens or role in rule.roles or aria & rule.parts:
            return rule.label
    return None


ATTRIBUTES = [
    {"class": "site-nav menu"},
    {"class": "entry-content", "id": "comments"},  # the first rule that any value matches
    {"class": "widget", "id": "cookie-banner"},  # cookie-notice is the first rule
    {"class": "Read-More box", "role": "navigation"},
    {"class": "cmp-text cmp-image"},  # Adobe components, not consent
    {"class": "cmp-banner"},
    {"id": "post-1234", "data-component": "ShareBar", "data-module": "related"},
    {"role": "Complementary"},
    {"aria-label": "Sign up: newsletter"},
    {"aria-label": "Main story"},
    {"class": "mailing-list"},
    {"class": "", "id": ""},
    {"class": "tags cat-links", "role": "contentinfo"},
    {"data-module": "most-read"},
    {"class": "adslot-top", "aria-label": "footer"},
]


@pytest.mark.parametrize("attrib", ATTRIBUTES)
def test_label_by_value_bits_equals_the_whole_match(attrib: dict[str, str]) -> None:
    assert patterns.label_for_attributes(attrib) == _label_whole(attrib)
    assert patterns.label_for_attributes(attrib) == _label_whole(attrib)  # from the cached bits


def test_labels_of_every_value_pair_of_a_page_agree() -> None:
    values = sorted({value for attrib in ATTRIBUTES for value in attrib.values()})
    for first in values:
        for second in values:
            attrib = {"class": first, "id": second, "aria-label": second}
            assert patterns.label_for_attributes(attrib) == _label_whole(attrib), attrib
