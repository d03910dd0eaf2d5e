"""Is this element hidden from the reader by its inline style? Pure; reads attributes only.

Shared by the extraction clean-up (which drops hidden elements as furniture) and the integrity
passes (which drop them and say whether they carried spam).

Injected spam is hidden so the site's owner does not notice it while search engines still read
it. The tricks seen on hacked sites, all in inline CSS or HTML attributes (we never fetch
stylesheets):
- display:none, visibility:hidden, the `hidden` attribute, opacity:0;
- off-screen positioning: position:absolute with left/top far negative, or text-indent:-9999px;
- a box of zero height or width with overflow:hidden, or clip:rect(0 0 0 0);
- tiny text: font-size of 0 to 2 pixels (or the equivalent in pt, em, rem, %);
- text the colour of its background: color equal to the nearest declared background colour
  (white when none is declared), including the old <font color> and bgcolor attributes.
Each test returns the reason as a short phrase, so the decision can be explained.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_DECLARATION = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;]+)")
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem|%|vw|vh|ex|ch)?$")
OFFSCREEN_PX = -500.0  # an element further left or up than this is off the page
TINY_FONT_PX = 2.0
_NAMED = {
    "white": "#ffffff", "black": "#000000", "transparent": "transparent", "red": "#ff0000",
    "silver": "#c0c0c0", "gray": "#808080", "grey": "#808080", "navy": "#000080", "blue": "#0000ff",
    "green": "#008000", "yellow": "#ffff00", "ivory": "#fffff0", "snow": "#fffafa", "whitesmoke": "#f5f5f5",
    "ghostwhite": "#f8f8ff", "floralwhite": "#fffaf0", "linen": "#faf0e6", "beige": "#f5f5dc",
}  # fmt: skip
_HEX = re.compile(r"^#([0-9a-f]{3}|[0-9a-f]{6})$")
_RGB = re.compile(r"^rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})(?:[\s,/]+([\d.]+%?))?\s*\)$")
DEFAULT_BACKGROUND = "#ffffff"


def parse_style(raw: str) -> dict[str, str]:
    """The declarations of a style attribute, names lower-cased, `!important` dropped."""
    found: dict[str, str] = {}
    for name, value in _DECLARATION.findall(raw):
        found[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return found


def style_of(element: HtmlElement) -> dict[str, str]:
    """The element's inline declarations (`parse_style` of its style attribute)."""
    return parse_style(element.get("style") or "")


def hidden_reason(element: HtmlElement, style: dict[str, str] | None = None) -> str | None:
    """Why this element, on its own, is invisible to a reader; None when it is not."""
    if "hidden" in element.attrib:
        return "hidden attribute"
    return css_hidden_reason(style if style is not None else style_of(element))


def css_hidden_reason(css: dict[str, str]) -> str | None:
    """Why these inline declarations hide the element that carries them; None when they do not.

    The attribute-only half of `hidden_reason`, for callers that look at style values before they
    look at elements.
    """
    if not css:
        return None
    return _hidden_display(css) or _offscreen(css) or _collapsed(css) or _tiny_font(css)


def _hidden_display(css: dict[str, str]) -> str | None:
    if css.get("display", "").startswith("none"):
        return "display:none"
    if css.get("visibility", "") in ("hidden", "collapse"):
        return "visibility:hidden"
    opacity = _number(css.get("opacity"))
    if opacity is not None and opacity <= 0.05:
        return "opacity:0"
    return None


def _offscreen(css: dict[str, str]) -> str | None:
    if css.get("position") in ("absolute", "fixed"):
        for side in ("left", "top", "right", "bottom", "margin-left", "margin-top"):
            px = _pixels(css.get(side))
            if px is not None and px <= OFFSCREEN_PX:
                return f"off-screen ({side}:{css[side]})"
    indent = _pixels(css.get("text-indent"))
    if indent is not None and indent <= OFFSCREEN_PX:
        return f"off-screen (text-indent:{css['text-indent']})"
    transform = css.get("transform", "")
    if "translate" in transform and re.search(r"-\d{4,}", transform):
        return "off-screen (transform)"
    return None


def _collapsed(css: dict[str, str]) -> str | None:
    overflow = css.get("overflow", "")
    if overflow in ("hidden", "clip"):
        for side in ("height", "width", "max-height", "max-width"):
            px = _pixels(css.get(side))
            if px is not None and px <= 1:
                return f"zero size ({side}:{css[side]})"
    clip = css.get("clip", "").replace(",", " ")
    if clip.startswith("rect(") and not re.search(r"[1-9]", clip):
        return "clipped to nothing"
    return None


def _tiny_font(css: dict[str, str]) -> str | None:
    size = css.get("font-size")
    if size is not None:
        px = _pixels(size, em=16.0)
        if px is not None and px <= TINY_FONT_PX:
            return f"tiny text (font-size:{size})"
    return None


def same_colour_reason(element: HtmlElement, style: dict[str, str] | None = None) -> str | None:
    """Text drawn in the colour of the background behind it; None when it stands out."""
    css = style if style is not None else style_of(element)
    colour = _colour(css.get("color") or (element.get("color") if element.tag == "font" else None))
    if colour is None:
        return None
    if colour == "transparent":
        return "transparent text"
    own = _colour(css.get("background-color") or _background_shorthand(css.get("background")))
    background = own or _inherited_background(element)
    if colour == background:
        return f"text the colour of its background ({colour})"
    return None


def _inherited_background(element: HtmlElement) -> str:
    for ancestor in element.iterancestors():
        if not isinstance(ancestor.tag, str):
            continue
        css = style_of(ancestor)
        found = _colour(css.get("background-color") or _background_shorthand(css.get("background")))
        found = found or _colour(ancestor.get("bgcolor"))
        if found and found != "transparent":
            return found
    return DEFAULT_BACKGROUND


def _background_shorthand(value: str | None) -> str | None:
    if not value:
        return None
    for token in re.split(r"\s+(?![^(]*\))", value.strip()):
        if _colour(token):
            return token
    return None


def _colour(value: str | None) -> str | None:
    """A CSS colour as "#rrggbb" (or "transparent"); None when it is not one we can read."""
    if not value:
        return None
    text = value.strip().lower()
    text = _NAMED.get(text, text)
    if text == "transparent":
        return text
    match = _HEX.match(text)
    if match:
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(ch * 2 for ch in digits)
        return f"#{digits}"
    match = _RGB.match(text)
    if match:
        alpha = match.group(4)
        if alpha is not None and _alpha(alpha) <= 0.05:
            return "transparent"
        red, green, blue = (min(255, int(match.group(i))) for i in (1, 2, 3))
        return f"#{red:02x}{green:02x}{blue:02x}"
    return None


def _alpha(text: str) -> float:
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        return 1.0


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
    except ValueError:
        return None


def _pixels(value: str | None, em: float = 16.0) -> float | None:
    """A CSS length in pixels (em and rem as 16px, % of a 16px font); None when unreadable."""
    if value is None:
        return None
    match = _LENGTH.match(value.strip())
    if match is None:
        return None
    number = float(match.group(1))
    unit = match.group(2) or "px"
    factor = {
        "px": 1.0, "pt": 4 / 3, "em": em, "rem": 16.0, "ex": em / 2, "ch": em / 2, "%": em / 100,
        "vw": 10.0, "vh": 8.0,  # as on a 1000 x 800 window
    }  # fmt: skip
    return number * factor.get(unit, 1.0) if unit in factor else None
