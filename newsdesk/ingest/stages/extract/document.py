"""Bytes to an lxml tree, once: decoding, a not-HTML check, and the parse.

Decoding follows what browsers do, in order: the caller's charset (from the HTTP header), a byte
order mark, a <meta charset> in the first kilobytes, valid UTF-8, and finally windows-1252, which
browsers use for the "latin-1" and "ascii" labels too. Decoding never fails; it replaces.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    document_fromstring,
)

from newsdesk.types import ExtractError

MAX_CHARS = 20_000_000
_PARSER = HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
# lxml.html picks each element's Python class in Python (one call per element touched: about 8% of our
# extraction time); a default lookup does it in C. Every element is then a plain HtmlElement, which is
# all we and trafilatura use (no form or input helpers).
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WINDOWS_1252_ALIASES = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252", "iso8859-15"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*[\s/>]|!doctype|!--)", re.IGNORECASE)
_NOT_HTML_ROOTS = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?<(rss|feed|rdf:rdf|svg|urlset|sitemapindex)\b", re.I)
# Characters XML cannot hold (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF).
# lxml's HTML parser keeps them, but trafilatura copies text into new elements, which lxml refuses
# for them: the whole body was lost to one stray control character (docs/decisions/0021, point 9).
_NOT_XML_CHARS = "".join(map(chr, (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))) + "\ufffe\uffff"
_NOT_XML = re.compile(f"[{re.escape(_NOT_XML_CHARS)}]")
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x00\x00\x01\x00",
)


def decode(content: bytes | str, charset: str | None = None) -> str:
    """Text of the page; see the module docstring for the order of guesses."""
    if isinstance(content, str):
        return content
    if not isinstance(content, bytes | bytearray):
        raise ExtractError("The page is not text, so it cannot be read as HTML.")
    data = bytes(content)
    if data.startswith(_BINARY_MAGIC):
        raise ExtractError("The page is a binary file (an image, PDF or archive), not HTML.")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = _codec(charset) or _meta_charset(data[:4096])
    if declared:
        return data.decode(declared, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse(text: str) -> HtmlElement:
    """Parse page text to a tree, or say in one sentence why it is not HTML."""
    if "\x00" in text[:4096]:
        raise ExtractError("The page contains binary data, not HTML.")
    head = text[:4096]
    if not _MARKUP.search(head if len(text) > 4096 else text):
        raise ExtractError("The page contains no HTML markup.")
    if _NOT_HTML_ROOTS.match(head):
        raise ExtractError("The page is an XML document (a feed, sitemap or image), not HTML.")
    text = _XML_DECLARATION.sub("", text[:MAX_CHARS], count=1)
    # One substring search per character is far cheaper than a regular expression over the page.
    if any(char in text for char in _NOT_XML_CHARS):
        # Vertical tab and form feed separate words (HTML and str.split count them as space): a space.
        text = _NOT_XML.sub(lambda m: " " if m[0] in "\x0b\x0c" else "", text)
    try:
        root = document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractError("The page could not be parsed as HTML.") from error
    if root is None:
        raise ExtractError("The page could not be parsed as HTML.")
    return root


def _codec(label: str | None) -> str | None:
    """A Python codec for a charset label, mapped as browsers map it; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    codec = _codec(match.group(1).decode("ascii", "replace")) if match else None
    # A page cannot declare itself UTF-16 in ASCII bytes; browsers ignore that claim, and so do we.
    return None if codec and codec.startswith("utf-16") else codec
