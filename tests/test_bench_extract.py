"""The real-page bench's one-pass trafilatura contender answers what its two-pass contenders answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.extract.realcontenders import (
    CONTENDERS,
    SINGLE_DEFAULT,
    SINGLE_FAST,
    trafilatura_metadata,
    trafilatura_one_pass,
    trafilatura_text,
)

PAGES = sorted((Path(__file__).resolve().parent / "fixtures" / "pages").glob("*.html"))


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_one_pass_gives_extracts_text_and_bare_extractions_metadata(page: Path, fast: bool) -> None:
    content = page.read_bytes()
    single = trafilatura_one_pass(fast)(content)
    assert single.text == trafilatura_text(fast)(content).text
    both = trafilatura_metadata(fast)(content)
    assert (single.title, single.date, single.authors) == (both.title, both.date, both.authors)


def test_the_one_pass_contenders_are_scored_with_their_metadata() -> None:
    assert CONTENDERS[SINGLE_FAST][1] is True
    assert CONTENDERS[SINGLE_DEFAULT][1] is True


STORY = "<p>" + "The ferry across the bay resumed after the storms closed the harbour. " * 3 + "</p>"


@pytest.mark.parametrize(
    "html",
    [
        f"<html><body><article><pre>\n\t\tLeading tabs in a block</pre>{STORY * 3}</article></body></html>",
        f"<html><body><article>{STORY * 3}<table><tr><td>Cell</td><td> </td></tr></table></article></body>",
    ],
    ids=["leading-space", "trailing-space"],
)
def test_one_pass_text_is_spaced_as_extracts(html: str) -> None:
    # bare_extraction keeps the body's outer white space; extract() strips it.
    assert trafilatura_one_pass(False)(html.encode()).text == trafilatura_text(False)(html.encode()).text
