"""A kicker and the headline at the top of the body are not part of the story's text."""

from __future__ import annotations

from newsdesk.ingest.stages.extract import extract_article

STORY = [
    "The Lantern Street bakery will open through the night from Friday, the first in the old town to do so.",
    "Its owners said night-shift workers at the sorting office had asked for years for somewhere to eat at "
    "three in the morning, and that the ovens run all night anyway for the next day's bread.",
    "The council granted the late licence on the condition that deliveries stay off the street before seven.",
]


def page(kicker: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html><head><title>Bakery to open all night | Old Town Post</title>"
        '<meta property="og:title" content="Bakery to open all night"></head><body><article>'
        f'<p class="kicker">{kicker}</p><h1>Bakery to open all night</h1>{paragraphs}</article></body></html>'
    )


def test_kicker_and_headline_are_dropped() -> None:
    page_text = extract_article(page("Business")).text
    assert page_text.split("\n\n") == STORY


def test_a_long_first_paragraph_is_not_taken_for_a_kicker() -> None:
    lead = "A long opening paragraph that merely happens to come before the headline in this odd page"
    text = extract_article(page(lead)).text
    assert text.startswith(lead)
