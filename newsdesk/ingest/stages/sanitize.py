"""HTML allowlist for anything we show that came from elsewhere. No Django here.

Feed content and extracted article HTML are untrusted. We keep a short list of
structural tags and let nh3 (Ammonia, in Rust) do the parsing and the dropping:
a hand-written sanitizer is a classic source of XSS, an allowlist one is not.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from urllib.parse import urljoin

import nh3
from lxml import html as lxml_html

from newsdesk.core.urls import is_web_url

ALLOWED_TAGS = frozenset(
    {
        "p", "a", "em", "strong", "b", "i", "u", "s", "sub", "sup", "small", "mark",
        "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "q", "cite",
        "h2", "h3", "h4", "figure", "figcaption", "img", "br", "hr",
        "code", "pre", "kbd", "samp", "abbr", "time",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}

# Tags whose content is dropped with them, not unwrapped into the text.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "noscript", "form", "svg", "math",
     "select", "textarea", "button", "frame", "frameset", "noembed", "applet", "title", "head"}
)  # fmt: skip

URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Keep only the allowlisted tags and attributes; make URLs absolute when a base is known."""
    if not html:
        return ""
    base = base_url if is_web_url(base_url) else None
    token = _BASE.set(base)
    try:
        return _CLEANER.clean(html).strip()
    finally:
        _BASE.reset(token)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, one blank line between paragraphs.

    Used for feed content, whose HTML we never trust: it is sanitized first so
    that script and style bodies never end up as text.
    """
    clean = sanitize_html(html)
    if not clean.strip():
        return ""
    clean = _NOT_XML.sub("", clean)  # lxml refuses control characters that HTML lets through
    return element_text(lxml_html.fragment_fromstring(clean, create_parent="div"))


def element_text(element: lxml_html.HtmlElement) -> str:
    """Plain text of an (already safe) element tree, one blank line between blocks."""
    blocks: list[str] = []
    _collect_blocks(element, blocks)
    return "\n\n".join(b for b in (_squash(x) for x in blocks) if b)


# ---- internals --------------------------------------------------------------

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES = re.compile(r"[\r\n]+")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "dt", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "figure",
     "figcaption", "pre", "tr", "table", "thead", "tbody", "tfoot", "ul", "ol", "dl", "hr", "section",
     "article", "caption"}
)  # fmt: skip


# The base URL of the fragment being cleaned. One Cleaner serves every base: building a Cleaner costs
# more than cleaning a page, and every page has its own base. nh3 calls back in the calling thread.
_BASE: ContextVar[str | None] = ContextVar("sanitize_base", default=None)


def _resolve_relative(url: str) -> str | None:
    """nh3's hook for relative URLs: resolved against the current base, kept as-is without one."""
    base = _BASE.get()
    if base is None:
        return url
    try:
        return urljoin(base, url)
    except ValueError:
        return None


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    link_rel=LINK_REL,
    url_schemes=set(URL_SCHEMES),
    url_relative=_resolve_relative,
    strip_comments=True,
)


def _collect_blocks(element: lxml_html.HtmlElement, blocks: list[str]) -> None:
    """Walk the tree: every block element starts a new paragraph, <br> a new line.

    Line breaks in the source are only whitespace, as in a browser, except inside <pre>.
    """
    current: list[str] = [_space(element.text)]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "pre":
            blocks.append("".join(current))
            blocks.append("".join(child.itertext()))
            current = []
        elif tag in _BLOCK_TAGS:
            blocks.append("".join(current))
            current = []
            _collect_blocks(child, blocks)
        elif tag == "br":
            current.append("\n")
        elif tag in ("td", "th"):
            current.append(f" {_inline_text(child)} ")  # cells of a row: one line, spaced apart
        elif tag:  # comments and processing instructions have no tag name and no text for us
            current.append(_inline_text(child))
        current.append(_space(child.tail))
    blocks.append("".join(current))


def _inline_text(element: lxml_html.HtmlElement) -> str:
    parts = [_space(element.text)]
    for child in element:
        if child.tag == "br":
            parts.append("\n")
        elif isinstance(child.tag, str):
            parts.append(_inline_text(child))
        parts.append(_space(child.tail))
    return "".join(parts)


def _space(text: str | None) -> str:
    return _NEWLINES.sub(" ", text) if text else ""


def _squash(block: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in block.split("\n"))
    return "\n".join(line for line in lines if line)
