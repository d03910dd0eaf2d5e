"""Every way of hiding an element with inline CSS that hacked sites use, and look-alikes that are not."""

from __future__ import annotations

import pytest
from lxml.html import fragment_fromstring

from newsdesk.markup.hidden import css_hidden_reason, hidden_reason, parse_style, same_colour_reason


def first(html: str):
    return fragment_fromstring(html, create_parent="div")[0]


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ('<div style="display:none">x</div>', "display:none"),
        ('<div style="DISPLAY: NONE !important">x</div>', "display:none"),
        ('<div style="visibility:hidden">x</div>', "visibility:hidden"),
        ('<div style="opacity: 0">x</div>', "opacity:0"),
        ('<div style="opacity:.01">x</div>', "opacity:0"),
        ("<div hidden>x</div>", "hidden attribute"),
        ('<div style="position:absolute;left:-9999px">x</div>', "off-screen (left:-9999px)"),
        ('<div style="position: fixed; top: -120em">x</div>', "off-screen (top:-120em)"),
        ('<div style="position:absolute; left:-100vw">x</div>', "off-screen (left:-100vw)"),
        ('<h3 style="text-indent:-9999px">x</h3>', "off-screen (text-indent:-9999px)"),
        ('<div style="transform: translateX(-10000px)">x</div>', "off-screen (transform)"),
        ('<div style="height:0;overflow:hidden">x</div>', "zero size (height:0)"),
        ('<div style="max-height: 0px; overflow: hidden">x</div>', "zero size (max-height:0px)"),
        ('<span style="position:absolute;clip:rect(0,0,0,0)">x</span>', "clipped to nothing"),
        ('<p style="font-size:0">x</p>', "tiny text (font-size:0)"),
        ('<p style="font-size: 1pt">x</p>', "tiny text (font-size:1pt)"),
        ('<p style="font-size:0.1em">x</p>', "tiny text (font-size:0.1em)"),
    ],
)
def test_hidden(html: str, reason: str) -> None:
    element = first(html)
    assert hidden_reason(element) == reason
    if "style" in element.attrib:  # the style alone says the same (the extraction clean-up asks it so)
        assert css_hidden_reason(parse_style(element.get("style"))) == reason


@pytest.mark.parametrize(
    "html",
    [
        "<div>x</div>",
        '<div style="display:block">x</div>',
        '<div style="position:absolute;left:-20px">x</div>',  # a small nudge is layout, not hiding
        '<div style="position:relative;left:-9999px">x</div>',
        '<div style="height:0">x</div>',  # without overflow:hidden, the text still shows
        '<p style="font-size:12px">x</p>',
        '<p style="font-size:small">x</p>',
        '<p style="opacity:0.8">x</p>',
        '<div style="clip:rect(0 100px 20px 0)">x</div>',
        '<div style="display">broken</div>',
    ],
)
def test_not_hidden(html: str) -> None:
    element = first(html)
    assert hidden_reason(element) is None
    assert css_hidden_reason(parse_style(element.get("style") or "")) is None


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ('<p style="color:#fff">x</p>', "text the colour of its background (#ffffff)"),
        ('<p style="color:white">x</p>', "text the colour of its background (#ffffff)"),
        ('<p style="color: rgb(255,255,255)">x</p>', "text the colour of its background (#ffffff)"),
        ('<p style="color:transparent">x</p>', "transparent text"),
        ('<p style="color: rgba(0,0,0,0)">x</p>', "transparent text"),
        (
            '<p style="color:#123;background-color:#112233">x</p>',
            "text the colour of its background (#112233)",
        ),
        ('<font color="white">x</font>', "text the colour of its background (#ffffff)"),
    ],
)
def test_same_colour_as_background(html: str, reason: str) -> None:
    assert same_colour_reason(first(html)) == reason


def test_the_background_is_inherited_from_the_nearest_ancestor_that_sets_one() -> None:
    root = fragment_fromstring(
        '<div style="background:#000 url(x.png) no-repeat"><p><span style="color:black">x</span></p></div>'
    )
    span = root.find(".//span")
    assert same_colour_reason(span) == "text the colour of its background (#000000)"
    dark = fragment_fromstring(
        '<table bgcolor="#333333"><tr><td><p style="color:#fff">x</p></td></tr></table>'
    )
    assert same_colour_reason(dark.find(".//p")) is None  # white on dark grey reads fine


@pytest.mark.parametrize(
    "html",
    [
        '<p style="color:#333">x</p>',
        '<p style="color:#fff;background:#c00">x</p>',
        '<p style="color:currentColor">x</p>',
        "<p>x</p>",
    ],
)
def test_readable_colours(html: str) -> None:
    assert same_colour_reason(first(html)) is None
