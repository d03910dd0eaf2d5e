from __future__ import annotations

import pytest

from newsdesk.core.errors import UserError
from newsdesk.sources.opml import Outline, parse_opml, render_opml

SAMPLE = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="Local">
    <outline text="Harbour Gazette" xmlUrl="https://harbour.example/feed.xml" htmlUrl="https://harbour.example/"/>
    <outline title="Valley Post" text="vp" xmlUrl=" https://valley.example/atom.xml "/>
  </outline>
  <outline text="just a folder"/>
</body></opml>"""


def test_parse_nested_outlines() -> None:
    assert parse_opml(SAMPLE) == [
        Outline("https://harbour.example/feed.xml", "Harbour Gazette", "https://harbour.example/"),
        Outline("https://valley.example/atom.xml", "Valley Post", ""),
    ]


def test_round_trip() -> None:
    rows = [
        ("Harbour Gazette", "https://harbour.example/feed.xml", "https://harbour.example/"),
        ("A & B", "https://ab.example/f", ""),
    ]
    parsed = parse_opml(render_opml(rows, title="t"))
    assert [(o.title, o.xml_url, o.html_url) for o in parsed] == rows


@pytest.mark.parametrize(
    "content",
    [
        b"not xml at all",
        b"<html><body/></html>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><opml>&b;</opml>',
    ],
)
def test_bad_files_are_user_errors(content: bytes) -> None:
    with pytest.raises(UserError):
        parse_opml(content)
