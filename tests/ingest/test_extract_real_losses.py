"""Causes of lost body text found by a loss analysis on real pages (decision 0021, point 9), each
shown on a small page of our own."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from lxml.html import fromstring

from newsdesk.ingest.stages.extract import article, extract_article
from newsdesk.ingest.stages.extract.breaks import keep_spaces
from newsdesk.ingest.stages.extract.clean import remove_furniture
from newsdesk.ingest.stages.extract.document import decode, parse

PARAGRAPHS = (
    "The library on Mill Street will open on Sundays from next month, the council said on Monday, "
    "after two hundred readers signed a letter asking for a day when working parents could come.",
    "Volunteers from the reading circle will staff the desk in the mornings, and the council will pay "
    "one librarian for the afternoons out of the budget it set aside for the summer festival.",
    "The children's corner, closed since the flood in the spring, reopens on the same day with new "
    "shelves, a reading tent and the picture books that neighbours gave after the water went down.",
)


def page(body: str) -> str:
    return (
        "<html><head><title>Library to open on Sundays</title></head><body><article>"
        f"<h1>Library to open on Sundays</h1>{body}</article></body></html>"
    )


def test_a_stray_control_character_does_not_cost_the_whole_body() -> None:
    # A vertical tab inside bold text: lxml parses it, but refuses it in the elements trafilatura
    # builds, and the page used to be stored without any text.
    first, second, third = PARAGRAPHS
    body = f"<p>{first} <b>Opening\x0b hours</b> are ten to four.</p><p>{second}</p><p>{third}</p>"
    text = extract_article(page(body)).text
    assert "after two hundred readers signed a letter" in text
    assert "reading tent" in text
    assert "\x0b" not in text


def test_text_is_stored_in_composed_form() -> None:
    # "Müller" written as "u" plus a combining diaeresis, as some editors save it.
    decomposed = unicodedata.normalize("NFD", "Librarian Anna Müller will run the Sunday desk.")
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + f"<p>{decomposed} <i>Über</i> all, it is free.</p>"
    result = extract_article(page(body))
    assert "Anna Müller will run" in result.text
    assert unicodedata.is_normalized("NFC", result.text)
    assert "Müller" in result.html


def test_a_heading_whose_anchor_id_has_a_furniture_word_stays() -> None:
    # Tables of contents give each heading an id made from its words; "nav_" here is that tool's
    # prefix, and "related" is the heading's own word. Neither makes the heading a menu.
    first, second, third = PARAGRAPHS
    body = (
        f"<p>{first}</p><h2 id='nav_volunteers_take_the_mornings_1'>Volunteers take the mornings</h2>"
        f"<p>{second}</p><h2 id='related-reading-for-children'>Related reading for children</h2>"
        f"<p>{third}</p>"
    )
    text = extract_article(page(body)).text
    assert "Volunteers take the mornings" in text
    assert "Related reading for children" in text


def test_a_heading_classed_as_furniture_still_goes() -> None:
    first, second, third = PARAGRAPHS
    body = f"<p>{first}</p><p>{second}</p><p>{third}</p><h3 class='related-title'>More from the council</h3>"
    assert "More from the council" not in extract_article(page(body)).text


def test_a_line_that_is_one_short_link_is_a_control_not_text() -> None:
    first, second, third = PARAGRAPHS
    body = (
        f"<p>{first}</p><p>{second}</p><p>{third}</p>"
        "<p><a href='#top'>Back to top</a></p><a href='/library/news'>Back to the list</a>"
        "<p><a href='https://council.example/letter'>https://council.example/letter</a></p>"
        "<p>The letter is on the <a href='/letter'>council's site</a>.</p>"
    )
    result = extract_article(page(body), url="https://news.example/library")
    assert "Back to top" not in result.text
    assert "Back to the list" not in result.text
    assert "https://council.example/letter" in result.text  # an address written out is a source
    assert "The letter is on the council's site." in result.text


def test_a_linked_subheading_is_the_story_not_a_control() -> None:
    # Round-ups and live blogs link their subheadings; a one-link heading is not "Back to top".
    first, second, third = PARAGRAPHS
    body = (
        f"<p>{first}</p><h2><a href='/desks/oak'>The oak reading desk</a></h2>"
        f"<p>{second}</p><h3><a href='/tent'>Reading tent</a></h3><p>{third}</p>"
    )
    text = extract_article(page(body), url="https://news.example/library").text
    assert "The oak reading desk" in text
    assert "Reading tent" in text


def test_a_vertical_tab_or_form_feed_between_words_leaves_a_space() -> None:
    first, second, third = PARAGRAPHS
    body = f"<p>{first} Opening\x0bhours are ten\x0cto four.</p><p>{second}</p><p>{third}</p>"
    text = extract_article(page(body)).text
    assert "Opening hours are ten to four." in text


def test_addresses_are_kept_as_the_page_wrote_them_while_the_text_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Müller")
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (
        f"<p>Librarian Anna {decomposed} will run the <a href='/staff/{decomposed}'>Sunday desk</a>.</p>"
    )
    result = extract_article(page(body), url="https://news.example/library")
    assert "Anna Müller will run" in result.text
    assert "Anna Müller will run" in result.html
    assert decomposed in result.html  # the link's address, byte for byte as the page wrote it


def test_text_after_a_link_between_line_breaks_is_kept() -> None:
    # A story written as loose text parted by <br><br>, next to a subheading: trafilatura read the
    # link as a block and dropped the words after it, and the space before an italic.
    first, second, third = PARAGRAPHS
    body = (
        f"<section class='body'>{first}<br><br><h2>Opening hours</h2><br>"
        f"The new hours are on the <a href='/hours.pdf'>timetable</a> in the hall. {second}<br><br>"
        f"The <em>whole </em>building stays open until six. {third}<br><br></section>"
    )
    result = extract_article(page(body))
    assert "timetable in the hall. Volunteers from the reading circle" in result.text
    assert "The whole building stays open" in result.text
    assert result.html.count("<p>") == 3


def test_code_inside_a_sentence_stays_inline() -> None:
    first, second, third = PARAGRAPHS
    body = (
        f"<p>{first}</p><p>Readers can search the catalogue with <code>find --title</code> on the "
        f"terminals by the door.</p><pre><code>find --title 'river'\nfind --author 'Odell'</code></pre>"
        f"<p>{second}</p><p>{third}</p>"
    )
    result = extract_article(page(body))
    assert "catalogue with find --title on the terminals" in result.text
    assert "<code>find --title</code>" in result.html
    assert "find --title 'river'\nfind --author 'Odell'" in result.text


def test_the_space_before_a_link_after_a_line_break_is_kept() -> None:
    # A list of points, each a bold label, a line break and a sentence with a link in it: trafilatura
    # trimmed the text before the link, and "a <a>reading tent</a>" became "areading tent".
    first, second, third = PARAGRAPHS
    items = "".join(
        f"<li><strong>Point {n}</strong><br>The corner gets a <a href='/tent'>reading tent</a> and "
        f"<em>new</em> shelves.</li>"
        for n in range(1, 4)
    )
    result = extract_article(page(f"<p>{first}</p><ul>{items}</ul><p>{second}</p><p>{third}</p>"))
    assert "The corner gets a reading tent and new shelves." in result.text
    assert "\ufdd0" not in result.text + result.html


def test_links_laid_out_on_lines_of_their_own_get_no_marks() -> None:
    # A word in a <span> of its own, a space and a link: the space stands alone between two elements
    # and is marked (the golden page "ingredient-links" shows it kept). Only spaces on one line are: a
    # line break and indentation between links is layout (a list of links), and marks there would
    # count as text between the links.
    root = fromstring("<div><span>Latest</span>\n\t<a href='/a'>One</a>\n\t<a href='/b'>Two</a></div>")
    keep_spaces(root)
    assert [child.tail for child in root] == ["\n\t", "\n\t", None]
    spaced = fromstring("<div><span>pearl</span> <a href='/a'>barley</a></div>")
    keep_spaces(spaced)
    assert "\ufdd0" in (spaced[0].tail or "")


def test_a_body_mostly_not_prose_gets_the_first_look_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """With trafilatura's fallbacks (decision 0021): a calendar took the fast look, not a list of prose."""
    calls: list[int] = []
    original = article._look_again

    def counted(*args: Any, clean: bool) -> Any:
        if clean:  # the first look again, not the look without the clean-up
            calls.append(1)
        return original(*args, clean=clean)

    monkeypatch.setattr(article, "_look_again", counted)
    pages = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
    # A booking calendar in an <article> took the fast look; the story sits in plain <div>s.
    text = extract_article((pages / "booking-calendar.html").read_bytes()).text
    assert calls == [1]
    assert "sprung floor" in text
    assert "Su Mo Tu" not in text
    # Minutes written as a list beside a longer "About the club" block: the list is prose itself,
    # so the fast result stands and the block stays out.
    calls.clear()
    text = extract_article((pages / "minutes-list.html").read_bytes()).text
    assert calls == []
    assert "Treasurer's report" in text
    assert "About the club" not in text


def test_a_related_box_whose_heading_is_wrapped_and_whose_cards_are_long_goes_whole() -> None:
    # "Das könnte Sie auch interessieren" in a <div> inside the list's first <li>, then teaser cards
    # whose summaries (inside their links) outweigh the story: the heading's wrappers are climbed to
    # the list, the list is mostly links once the markup's indentation is not counted, and summaries
    # inside links are no prose of the story. Before, only the heading's <li> went.
    content = (
        Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "related-cards.html"
    ).read_bytes()
    root = parse(decode(content, None))
    removed = remove_furniture(root, "Aufsteiger gewinnt Derby knapp")
    text = " ".join(root.text_content().split())
    assert "related-links" in removed
    assert "Torwart verlängert bis 2027" not in text
    assert "Tribüne bekommt ein neues Dach" not in text
    assert "Vor ausverkauften Rängen hat der Aufsteiger" in text


def test_a_section_with_two_paragraphs_of_its_own_under_a_related_heading_stays() -> None:
    # The same heading above two long paragraphs outside links: a part of the story, not a box.
    first, second, third = PARAGRAPHS
    root = parse(
        page(
            f"<p>{first}</p><ul><li class='title'><div><span>Das könnte Sie auch interessieren</span>"
            f"</div></li><li><p>{second}</p></li><li><p>{third}</p></li></ul>"
        )
    )
    remove_furniture(root, "Library to open on Sundays")
    text = " ".join(root.text_content().split())
    assert "Volunteers from the reading circle" in text
    assert "The children's corner" in text


def test_a_short_story_around_a_wrapped_related_heading_stays() -> None:
    # One long and one short paragraph, then "Mehr zum Thema" in a wrapper of its own and its links, on a
    # page whose comments outweigh the story: climbing out of the wrapper reaches the story's own <div>,
    # which is no box of links, so only the heading (and its list) go.
    first = PARAGRAPHS[0]
    comments = "".join(f"<p>Reader {n}: {PARAGRAPHS[n % 3]}</p>" for n in range(8))
    root = parse(
        "<html><body><div class='text'>"
        f"<p>{first}</p><p>The desk opens at ten.</p>"
        "<div><h3>Mehr zum Thema</h3></div>"
        "<ul><li><a href='/a'>Bus lines change in June</a></li><li><a href='/b'>Pool hours</a></li></ul>"
        f"</div><section class='comments'>{comments}</section></body></html>"
    )
    remove_furniture(root, "Library to open on Sundays")
    text = " ".join(root.text_content().split())
    assert "The library on Mill Street will open on Sundays" in text
    assert "The desk opens at ten." in text
    assert "Mehr zum Thema" not in text


def test_a_sentence_that_says_mehr_zum_thema_with_a_topic_stays() -> None:
    # The topic-naming heading ("Mehr zum Thema Wasserstoff") is furniture only as a line of its own.
    first, second, _ = PARAGRAPHS
    sentence = (
        "Die Fachleute wissen <a href='/h2'>mehr zum Thema Wasserstoff</a> und haben die Leitungen "
        "der Stadtwerke im Winter geprüft."
    )
    root = parse(page(f"<p>{first}</p><p>{sentence}</p><p>{second}</p>"))
    remove_furniture(root, "Library to open on Sundays")
    text = " ".join(root.text_content().split())
    assert "und haben die Leitungen der Stadtwerke im Winter geprüft" in text
    alone = parse(
        page(
            f"<p>{first}</p><p>{second}</p><h3>Mehr zum Thema Wasserstoff</h3>"
            "<ul><li><a href='/x'>Neue Leitung im Hafen</a></li>"
            "<li><a href='/y'>Preise im Herbst</a></li></ul>"
        )
    )
    removed = remove_furniture(alone, "Library to open on Sundays")
    alone_text = " ".join(alone.text_content().split())
    assert "related-links" in removed
    assert "Mehr zum Thema Wasserstoff" not in alone_text
    assert "Neue Leitung im Hafen" not in alone_text
