"""Text to feedparser's input: one fresh XML declaration, no forbidden characters, and no internal DTD
subset (so no entity is ever expanded)."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids, and lone surrogates (from JSON escapes); PostgreSQL rejects NUL.
ILLEGAL_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"<\?xml[^>]*>")
_DOCTYPE = re.compile(r"<!DOCTYPE\b")
_ELEMENT_START = re.compile(r"<[A-Za-z_]")
_DTD_MARK = re.compile(r"[\"'\[\]>]|<!--")
_DTD_SCAN_LIMIT = 256 * 1024  # real internal subsets are a few lines


def prepare_xml(text: str) -> bytes:
    """UTF-8 bytes with one fresh declaration, no forbidden characters and no internal DTD subset."""
    text = ILLEGAL_XML_CHARS.sub("", text).lstrip("\ufeff \t\r\n")
    declaration = _XML_DECLARATION.match(text)
    if declaration:
        text = text[declaration.end() :]
    text = _drop_internal_subset(text)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8")


def _drop_internal_subset(text: str) -> str:
    """Remove the `[...]` of a DOCTYPE, where entities are declared, so none is ever expanded.

    The DOCTYPE itself stays (feedparser reads "rss091n" from it); undeclared entity references
    then send feedparser to its lenient parser, which leaves them as they are.
    """
    doctype = _DOCTYPE.search(text, 0, 65536)
    if not doctype or _ELEMENT_START.search(text, 0, doctype.start()):
        return text
    opened, position, stop = None, doctype.end(), doctype.end() + _DTD_SCAN_LIMIT
    while (mark := _DTD_MARK.search(text, position, stop)) is not None:
        found, position = mark.group(), mark.end()
        if found in ('"', "'", "<!--"):
            close = text.find("-->" if found == "<!--" else found, position, stop)
            if close < 0:
                return text  # malformed: expat fails on it, and the defused parser is the backstop
            position = close + (3 if found == "<!--" else 1)
        elif found == ">" and opened is None:
            return text
        elif found == "[" and opened is None:
            opened = mark.start()
        elif found == "]" and opened is not None:
            return text[:opened] + text[position:]
    return text


def root_name(head: str) -> str | None:
    """The local name of the first element, lower case, skipping declarations and comments."""
    position = 0
    while True:
        start = head.find("<", position)
        if start < 0 or start + 1 >= len(head):
            return None
        if head.startswith("<!--", start):
            end = head.find("-->", start)
            position = len(head) if end < 0 else end + 3
        elif head[start + 1] in "?!":
            position = start + 2
        else:
            name = re.match(r"[A-Za-z_][\w.:-]*", head[start + 1 : start + 101])
            return name.group().rsplit(":", 1)[-1].lower() if name else None
