"""Teaser cards (a thumbnail and a headline in one link) and short captions are not the story's text,
while the story's own pictures stay in its HTML (decision 0021, point 8)."""

from __future__ import annotations

import inspect
from copy import copy

import lxml.html
from trafilatura.core import trafilatura_sequence

from newsdesk.ingest.stages.extract import content, extract_article
from tests.ingest.night_bus import STORY

CARD = '<li><a href="/news/{slug}"><img src="/thumbs/{slug}.jpg" alt=""><h3>{headline}</h3></a></li>'
HEADLINES = (
    "Harbour wall repairs finish a month early",
    "School choir sings at the lighthouse reopening",
    "Ferry timetable changes for the winter season",
)


def page(extra: str, after: str = "") -> str:
    cards = "".join(CARD.format(slug=f"story-{i}", headline=h) for i, h in enumerate(HEADLINES))
    return (
        "<html><head><title>Night bus to run every twenty minutes</title></head><body><article>"
        f"<h1>Night bus to run every twenty minutes</h1>{extra}{STORY}{after}<ul class='cards'>{cards}</ul>"
        "</article></body></html>"
    )


def test_teaser_cards_with_thumbnails_are_left_out() -> None:
    text = extract_article(page("")).text
    assert "night shift ended" in text
    for headline in HEADLINES:
        assert headline not in text


def test_a_picture_linked_to_its_own_file_stays() -> None:
    picture = '<p><a href="/media/bus-stop.jpg"><img src="/media/bus-stop-small.jpg" alt="The stop"></a></p>'
    result = extract_article(page(picture), url="https://example.org/news/night-bus")
    assert "https://example.org/media/bus-stop-small.jpg" in result.html


def test_a_picture_alone_in_a_link_to_another_page_stays() -> None:
    picture = '<p><a href="/gallery/night-bus"><img src="/media/depot.jpg" alt="The depot"></a></p>'
    result = extract_article(page(picture), url="https://example.org/news/night-bus")
    assert "https://example.org/media/depot.jpg" in result.html


def test_a_short_caption_outside_figcaption_is_left_out_and_a_long_one_kept() -> None:
    short = '<p class="image-caption">The harbour stop at dusk. Photo: Ana Lund</p>'
    long_words = (
        "In the second picture of the series, drivers from the depot test the new timetable on a wet "
        "night, with the hospital's lights behind them and the harbour cranes far off"
    )
    long = f'<p class="caption">{long_words}.</p>'
    text = extract_article(page("", after=short + long)).text
    assert "The harbour stop at dusk" not in text
    assert long_words in text


def test_trafilaturas_internal_sequence_is_the_one_we_call() -> None:
    # extract/content.py calls trafilatura_sequence, which trafilatura calls internal: a version whose
    # signature or result differs would be caught by the `except` there, and every page would come back
    # empty without an error. The pin in pyproject.toml and this test make an upgrade fail loudly.
    assert list(inspect.signature(trafilatura_sequence).parameters) == ["tree", "options", "url"]
    page = "<html><body><article>" + "<p>The harbour ferry runs again from Monday morning.</p>" * 12
    root = lxml.html.document_fromstring(page + "</article></body></html>")
    result = trafilatura_sequence(root, copy(content._OPTIONS), None)
    assert len(result) == 4
    assert "harbour ferry" in result[1]


def test_a_paragraph_that_is_one_link_to_another_story_is_left_out() -> None:
    # Headlines of other stories set between the paragraphs and after the last one, each a paragraph
    # holding nothing but its link; a sentence that only contains a link stays.
    teaser = (
        '<p><a href="/news/ferry-{n}">Ferry timetable changes for the winter season on the island '
        "route</a></p>"
    )
    inline = '<p>The timetable is on <a href="/timetable">the council\'s transport page</a> from Monday.</p>'
    html = page(teaser.format(n=1), after=inline + teaser.format(n=2))
    result = extract_article(html)
    assert "night shift ended" in result.text
    assert "Ferry timetable changes" not in result.text
    assert "The timetable is on the council's transport page from Monday." in result.text


def test_code_of_several_lines_stays_a_block_beside_words() -> None:
    commands = "<pre><code>make deps\nmake install\nmake check</code></pre>"
    steps = f"<ul><li>To build the tide tables, run these from the checkout:{commands}</li></ul>"
    article = extract_article(page(steps))
    assert "<pre>" in article.html
    assert "make deps\nmake install" in article.html
