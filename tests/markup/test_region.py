"""The container of the article's text (newsdesk/markup/region.py), on pages written for these tests."""

from __future__ import annotations

from lxml.html import document_fromstring, fragment_fromstring

from newsdesk.markup.region import densest_container, own_prose, prose_and_core, prose_chars

STORY = "".join(
    f"<p>Paragraph {n} of the story: the harbour board met on Tuesday and agreed, after a long debate about "
    f"fares, timetables and the state of the old pier, to add a Saturday evening sailing from June.</p>"
    for n in range(4)
)
TEASER = "<p>Teaser {n}: a line about another story on the site, long enough to pass for a paragraph.</p>"


def _container_class(html: str) -> str | None:
    body = document_fromstring(html).find("body")
    found = densest_container(body)
    return None if found is None else found.get("class")


def test_more_text_wins_over_more_paragraphs() -> None:
    rail = "".join(TEASER.format(n=n) for n in range(8))  # twice as many paragraphs, half the text
    html = f"<html><body><div class='rail'>{rail}</div><div class='story'>{STORY}</div></body></html>"
    assert _container_class(html) == "story"


def test_the_container_is_the_paragraphs_own_parent() -> None:
    html = f"<html><body><div class='outer'><section class='copy'>{STORY}</section></div></body></html>"
    assert _container_class(html) == "copy"


def test_short_lines_do_not_count() -> None:
    lines = "".join(f"<p>Short line {n}.</p>" for n in range(50))
    html = f"<html><body><div class='lines'>{lines}</div><div class='story'>{STORY[:400]}</div></body></html>"
    assert _container_class(html) == "story"
    assert _container_class(f"<html><body><div class='lines'>{lines}</div></body></html>") is None


def test_prose_and_core_answer_both_questions_in_one_reading() -> None:
    # The extraction asks for both on the same tree: the same answers as asking each on its own.
    rail = "".join(TEASER.format(n=n) for n in range(3))
    pages = [
        f"<html><body><div class='rail'>{rail}</div><div class='story'>{STORY}</div></body></html>",
        "<html><body><div class='lines'><p>Short.</p></div></body></html>",  # no long paragraph: None
    ]
    for html in pages:
        root = document_fromstring(html)
        body = root.find("body")
        assert prose_and_core(root, body) == (prose_chars(root), densest_container(body))
    # A tree without <body> (a fragment): the body is the tree itself.
    fragment = fragment_fromstring(f"<div class='story'>{STORY}</div>")
    assert prose_and_core(fragment, fragment) == (prose_chars(fragment), fragment)


def test_own_prose_counts_the_containers_own_long_paragraphs_only() -> None:
    body = document_fromstring(
        f"<html><body><div class='story'>{STORY}<p>A short line.</p><div>{STORY}</div></div></body></html>"
    ).find("body")
    story = body.find("div")
    assert own_prose(story) == prose_chars(document_fromstring(f"<div>{STORY}</div>"))
    assert own_prose(story) > 0
