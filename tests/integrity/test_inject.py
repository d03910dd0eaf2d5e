"""Planted blocks come out of pages and feed HTML; the article around them stays whole."""

from __future__ import annotations

from lxml import etree
from lxml.html import document_fromstring

from newsdesk.ingest.stages.extract import extract_article
from newsdesk.integrity.inject import (
    _ANCHOR_XPATH,
    _HIDEABLE_XPATH,
    clean_fragment,
    strip_hidden,
    strip_planted,
)
from newsdesk.integrity.links import links_of

STORY = [
    "The council opened the region’s first night library on Tuesday, keeping the reading room on Mill Lane "
    "open until two in the morning for shift workers, students and anyone who cannot sleep.",
    "Librarian Oona Feld said the idea came from nurses at the valley hospital, who finish late and found "
    "every quiet public room in town already locked by the time their shifts ended.",
    "The trial will run for six months. The council will count visitors each night and ask them what they "
    "read, what they needed and whether the late hours changed how often they came at all.",
]
TITLE = "Alder Valley opens its first night library"


def page(planted: str, *, lang: str = "en", after: int = 1) -> str:
    blocks = [f"<p>{p}</p>" for p in STORY]
    blocks.insert(after, planted)
    return (
        f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>{TITLE}</h1>{''.join(blocks)}</article></body></html>"
    )


def extracted(planted: str, **kwargs: object):
    return extract_article(page(planted, **kwargs), url="https://alder.example/night-library")  # type: ignore[arg-type]


def test_a_hidden_gambling_block_is_cut_and_named() -> None:
    result = extracted('<div style="display:none"><a href="https://x.example/">slot gacor</a> maxwin</div>')
    assert "gacor" not in result.text
    assert result.text.split("\n\n") == STORY
    assert [i.kind for i in result.injections] == ["hidden"]
    assert result.injections[0].reasons[0] == "display:none"
    assert "promo: slot gacor, maxwin" in result.injections[0].reasons
    assert {"hidden", "spam-hidden"} <= set(result.removed)


def test_hidden_furniture_without_spam_is_dropped_quietly() -> None:
    result = extracted('<div style="display:none"><a href="/menu">Menu</a> Close</div>')
    assert result.injections == ()
    assert "hidden" in result.removed
    assert "spam-hidden" not in result.removed


def test_a_hidden_outbound_link_inside_the_article_is_an_injection() -> None:
    result = extracted(
        '<p style="position:absolute;left:-9999px"><a href="https://elsewhere.example/">x</a></p>'
    )
    assert [i.kind for i in result.injections] == ["hidden"]
    assert "1 outbound link" in result.injections[0].reasons


def test_a_visible_block_of_spam_links_is_cut() -> None:
    planted = (
        '<p><a href="https://a.example/">cheap cialis</a> · <a href="https://a.example/v">generic viagra</a>'
        ' · <a href="https://a.example/t">tramadol online</a></p>'
    )
    result = extracted(planted)
    assert [i.kind for i in result.injections] == ["link-block"]
    assert "cialis" not in result.text.lower()
    assert result.text.split("\n\n") == STORY


def test_off_topic_outbound_links_are_cut_on_topic_ones_kept() -> None:
    off = (
        '<p><a href="https://loans.example/">Payday loans same day</a> '
        '<a href="https://essay.example/">Essay '
        'writing service</a> <a href="https://seo.example/">Buy backlinks cheap</a></p>'
    )
    assert [i.kind for i in extracted(off).injections] == ["link-block"]
    on = (
        '<p><a href="https://council.example/library">The council’s night library trial</a> · '
        '<a href="https://nurses.example/shifts">Nurses on late shifts and public rooms</a> · '
        '<a href="https://stats.example/visitors">Counting library visitors each night</a></p>'
    )
    result = extracted(on)
    assert result.injections == ()
    assert "Nurses on late shifts" in result.text


def test_a_paragraph_in_another_language_full_of_spam_terms_is_cut() -> None:
    planted = (
        "<p>Situs slot gacor hari ini dengan bonus new member 100 dan deposit pulsa tanpa potongan, daftar "
        "sekarang dan raih maxwin bersama agen slot terpercaya.</p>"
    )
    result = extracted(planted)
    assert [i.kind for i in result.injections] == ["keyword-stuffing"]
    assert result.injections[0].reasons[0] == "in id within a en article"
    assert result.text.split("\n\n") == STORY


def test_a_quoted_mention_in_the_articles_language_stays() -> None:
    quoted = (
        "<p>Visitors reported that the hacked pages showed phrases such as “slot gacor” and “maxwin”, which "
        "the council removed on Wednesday.</p>"
    )
    result = extracted(quoted)
    assert result.injections == ()
    assert "“slot gacor”" in result.text


def test_a_page_that_is_all_spam_is_left_for_the_classifier() -> None:
    spam = "".join(
        f"<p>Slot gacor maxwin hari ini {i}, bonus new member 100 dan deposit pulsa tanpa potongan, "
        "link alternatif anti rungkad.</p>"
        for i in range(4)
    )
    html = f'<html lang="en"><body><article><h1>Slot gacor</h1>{spam}</article></body></html>'
    result = extract_article(html)
    assert result.injections == ()
    assert "maxwin" in result.text


def test_the_article_itself_is_never_removed_even_if_hidden() -> None:
    html = (
        '<html><body><article style="display:none"><h1>Story</h1>'
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</article></body></html>"
    )
    root = document_fromstring(html)
    stripped = strip_hidden(root)
    assert stripped.hidden == 0
    assert root.find(".//article") is not None


def test_strip_planted_reports_nothing_on_a_clean_page() -> None:
    root = document_fromstring(page("<p>One more ordinary paragraph about the library and its readers.</p>"))
    assert strip_planted(root, title=TITLE, page_url="https://alder.example/") == ()


def test_feed_html_is_cleaned_the_same_way() -> None:
    html = "".join(f"<p>{p}</p>" for p in STORY) + (
        '<div style="display:none" class="wp-block-group"><p>Daftar situs <a href="/?p=9">mahjong slot</a>, '
        '<a href="/?p=9">slot gacor</a> terpercaya.</p></div>'
    )
    cleaned, injections = clean_fragment(html, title=TITLE, page_url="https://bulletin.example/?p=1")
    assert "mahjong" not in cleaned
    assert cleaned.count("<p>") == len(STORY)
    assert [i.kind for i in injections] == ["hidden"]


def test_clean_feed_html_comes_back_untouched() -> None:
    html = "<p>A &amp; B said <b>hello</b>.</p>"
    assert clean_fragment(html) == (html, ())
    assert clean_fragment("") == ("", ())
    assert clean_fragment("plain text, no markup") == ("plain text, no markup", ())


def test_links_are_judged_against_the_page_whatever_their_form() -> None:
    # Read without urljoin when plainly relative or plainly absolute: each must still land on the right
    # site, and anything odd must still go through the full resolution.
    page = "https://www.harbour-news.example/town/ferry.html"
    hrefs = {
        "../council/": ("harbour-news.example", False),
        "timetable.html?day=sat": ("harbour-news.example", False),
        "/a:b": ("harbour-news.example", False),
        "//casino-spam.example/win": ("casino-spam.example", True),
        # A control character before "//" is dropped by browsers and urlsplit: still the other site.
        "&#1;//casino-spam.example/c0": ("casino-spam.example", True),
        "/\t/casino-spam.example/tab": ("casino-spam.example", True),
        "HTTPS://Casino-Spam.example/": ("casino-spam.example", True),
        "https://news.harbour-news.example/x": ("harbour-news.example", False),
        "javascript:void(0)": ("", False),
        "mailto:desk@harbour-news.example": ("", False),
    }
    anchors = "".join(f'<a href="{href}">link</a>' for href in hrefs)
    root = document_fromstring(f"<html><body><p>{anchors}</p></body></html>")
    found = [(link.host, link.outbound) for link in links_of(root, page)]
    assert found == list(hrefs.values())


def test_a_feed_item_keeps_nothing_hidden_even_when_the_hidden_part_is_its_densest() -> None:
    # Found by the fuzz test: the hidden block held most of the item's text, so it was spared as the
    # "article" and its spam would have shown once a sanitizer dropped the attribute.
    html = (
        "Harbour ferry resumes<div hidden><div hidden><p hidden>"
        + "slot gacor mahjong ways bonus new member " * 4
        + "</p></div></div>"
    )
    cleaned, injections = clean_fragment(html, title="Harbour ferry resumes")
    assert cleaned == "Harbour ferry resumes"
    assert [i.kind for i in injections] == ["hidden"]
    # Nor inside a wrapper marked as the article: the sanitizer unwraps it, and the spam would show.
    spam = '<p>cheap casino bonus, slot gacor <a href="https://casino-spam.example/">play now</a></p>'
    for wrapper in ("<article>{}</article>", "<main>{}</main>", '<div role="main">{}</div>'):
        item = "<p>The ferry runs again from Monday.</p>" + wrapper.format(f'<div hidden="">{spam}</div>')
        cleaned, injections = clean_fragment(item, title="Harbour ferry resumes")
        assert "casino" not in cleaned, wrapper
        assert "The ferry runs again" in cleaned
        assert [i.kind for i in injections] == ["hidden"], wrapper
        whole = f'<article style="display:none">{spam}</article><p>The ferry runs again from Monday.</p>'
        cleaned, injections = clean_fragment(whole, title="Harbour ferry resumes")
        assert "casino" not in cleaned
        assert [i.kind for i in injections] == ["hidden"]
    # A whole page still spares its densest block: a story hidden until a script runs is kept.
    page = document_fromstring(
        '<html><body><nav>Menu</nav><div style="display:none"><p>'
        + "The council approved the new ferry timetable on Tuesday evening. " * 6
        + "</p></div></body></html>"
    )
    strip_hidden(page)
    assert "ferry timetable" in page.text_content()


def test_the_attribute_axis_selects_what_a_predicate_on_every_element_would() -> None:
    # _ANCHOR_XPATH and _HIDEABLE_XPATH select attributes and map them back to their elements, for
    # speed; they must find the same elements, in the same order, as the plain predicates.
    root = document_fromstring(
        "<html><body role='main' style='color:red'><div role='navigation'><font>old</font>"
        "<span hidden style='display:none'>both</span></div><main><section itemprop='articleBody'>"
        "<p itemprop='author'>Oona</p><div role='article'><p style=''>empty style</p>"
        "<article role='main'><p hidden>gone</p></article></div></section></main>"
        "<div itemprop='articlebody' role='Main'>wrong case</div></body></html>"
    )
    body = root.find("body")
    anchors = etree.XPath(
        "descendant::article | descendant::main"
        " | descendant::*[@itemprop='articleBody' or @role='main' or @role='article']"
    )
    hideable = etree.XPath("descendant::*[@style or @hidden] | descendant::font")
    assert _ANCHOR_XPATH(body) == anchors(body)
    assert [e.tag for e in _ANCHOR_XPATH(body)] == ["main", "section", "div", "article"]
    assert _HIDEABLE_XPATH(body) == hideable(body)
    assert [e.tag for e in _HIDEABLE_XPATH(body)] == ["font", "span", "p", "p"]
