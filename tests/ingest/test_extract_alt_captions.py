"""A block that repeats a nearby picture's `alt` or `title` word for word is that picture's caption,
whatever its class, and is not the story's text (decision 0021, 2026-12-07 h13h)."""

from __future__ import annotations

from newsdesk.ingest.stages.extract import extract_article
from tests.ingest.night_bus import STORY

FIRST, REST = STORY.split("</p>", 1)
SAID = "The new night bus waits at the harbour stop before its first run."


def page(picture: str) -> str:
    return (
        "<html><head><title>Night bus to run every twenty minutes</title></head><body><article>"
        f"<h1>Night bus to run every twenty minutes</h1>{FIRST}</p>{picture}{REST}"
        "</article></body></html>"
    )


def test_a_block_repeating_the_pictures_alt_is_left_out() -> None:
    # A lazy-loaded <picture> (libxml2 nests the <img> in the open <source>), the caption in an
    # unmarked box beside it: the shape the class-based caption rule cannot see.
    picture = (
        '<div class="visual"><picture><source data-srcset="/media/bus.webp" type="image/webp">'
        f'<img src="/media/bus.jpg" alt="{SAID}" title="{SAID}"></picture>'
        f'<div class="description"><strong class="title">{SAID}</strong></div></div>'
    )
    text = extract_article(page(picture)).text
    assert "night shift ended" in text
    assert "waits at the harbour stop" not in text


def test_the_same_words_in_running_text_stay() -> None:
    # The alt repeated inside a sentence, or as the title of a longer caption, is not all of it.
    picture = (
        f'<div><img src="/media/bus.jpg" alt="{SAID}"><p>As the board put it: <em>{SAID}</em> '
        "Drivers say the stop needs a shelter before winter comes to the coast road.</p>"
        f"<div><strong>{SAID}</strong><span> and drivers wave to nurses off the late shift.</span>"
        "</div></div>"
    )
    text = extract_article(page(picture)).text
    assert "Drivers say the stop needs a shelter" in text
    assert "drivers wave to nurses" in text
    assert text.count("waits at the harbour stop") == 2


def test_a_short_alt_never_matches_a_line_of_the_story() -> None:
    picture = '<div><img src="/media/depot.jpg" alt="The depot"><p>The depot</p></div>'
    text = extract_article(page(picture)).text
    assert "The depot" in text
