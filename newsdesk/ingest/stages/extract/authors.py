"""Who wrote the article, as a list of names: "By Ana Ruiz and Tom Lee" -> ("Ana Ruiz", "Tom Lee").

Names come from metadata first (meta tags, JSON-LD). Failing that, trafilatura's byline XPaths run on
the cleaned tree, whose comment threads and author-bio boxes are already gone, so no copy of the tree
is needed (trafilatura's own `extract_author` deep-copies the page to prune them). Last, a "By …"
line near the headline. trafilatura's `normalize_authors` does the splitting and tidying.
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.metadata import extract_metainfo, normalize_authors
from trafilatura.xpaths import AUTHOR_XPATHS

# Job titles and desks that bylines carry after the name ("Ana Ruiz, Reporter").
_ROLES = re.compile(
    r"^(staff|staff writer|reporter|correspondent|editor|senior editor|news desk|newsdesk|photographer"
    r"|contributor|guest author|admin|administrator|team|editorial team|agencies|wire services?)$",
    re.IGNORECASE,
)
_NAME = r"[A-ZÀ-ÖØ-Þ][\w.'’-]+(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w.'’-]+|de|da|van|von|der|del|la|le|bin|al-\w+)){0,4}"
_BY_LINE = re.compile(
    rf"(?:^|(?<=[\s,·|]))(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor)\s+({_NAME}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_NAME})*)"
)
_SHORT_TEXT_XPATH = XPath(".//text()[string-length(normalize-space(.)) > 4][string-length(.) < 160]")
_DIGITS = re.compile(r"\d")


def split_authors(raw: str | None) -> tuple[str, ...]:
    """trafilatura's "A; B" form (or any byline text) to a tuple of names, without roles or dates."""
    if not raw:
        return ()
    normalized = normalize_authors(None, raw) or ""
    names = []
    for part in normalized.split(";"):
        name = " ".join(part.split())
        if not name or _ROLES.match(name) or _DIGITS.search(name) or len(name.split()) > 6:
            continue
        if name not in names:
            names.append(name)
    return tuple(names)


def byline_authors(root: HtmlElement, limit: int = 60) -> tuple[str, ...]:
    """Names from the visible byline of a cleaned page; `limit` short text nodes are searched."""
    found = extract_metainfo(root, AUTHOR_XPATHS, len_limit=120)
    names = split_authors(found)
    if names:
        return names
    for node in _SHORT_TEXT_XPATH(root)[:limit]:
        match = _BY_LINE.search(" ".join(str(node).split()))
        if match:
            return split_authors(match.group(1))
    return ()
