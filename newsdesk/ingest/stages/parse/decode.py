"""Bytes to text: the BOM, then the HTTP charset, then the XML declaration, then UTF-8 with a
windows-1252 fallback for stray bytes."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
# What a declared name really means on the web: browsers read Latin-1 and ASCII as windows-1252.
_WIDER = {"iso8859-1": ("cp1252", "latin-1"), "ascii": ("cp1252", "latin-1"), "gb2312": ("gb18030",)}


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode each byte that is not UTF-8 as windows-1252: mixed or mis-declared feeds read right."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("newsdesk-cp1252", _cp1252_fallback)


def decode_text(content: bytes, charset: str | None) -> str:
    """The text of a feed: BOM first, then the HTTP charset, then the XML declaration, then UTF-8.

    A legacy charset loses to bytes that are valid UTF-8 (servers label everything ISO-8859-1);
    a declared UTF-8 that does not decode is read byte by byte as windows-1252.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content.decode(encoding, errors="replace")
    wide = _sniff_wide(content[:4])
    if wide:
        return content.decode(wide, errors="replace")
    candidates = _candidates(charset, content[:1024])
    if candidates[0] != "utf-8" and not content.isascii():
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for encoding in candidates:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    if candidates[0] == "utf-8":
        return content.decode("utf-8", errors="newsdesk-cp1252")
    return content.decode(candidates[0], errors="replace")


def _sniff_wide(head: bytes) -> str | None:
    """UTF-16 or UTF-32 without a BOM, told by where the zero bytes fall around '<' or '{'."""
    if len(head) < 4 or 0 not in head:
        return None
    zeros = (head[0] == 0, head[1] == 0, head[2] == 0, head[3] == 0)
    return {
        (False, True, False, True): "utf-16-le",
        (True, False, True, False): "utf-16-be",
        (False, True, True, True): "utf-32-le",
        (True, True, True, False): "utf-32-be",
    }.get(zeros)


def _candidates(charset: str | None, head: bytes) -> list[str]:
    """Encodings to try, best first, each a working Python text codec, ending with UTF-8."""
    match = _XML_ENCODING.match(head)
    declared = match[1].decode("ascii") if match else None
    found: list[str] = []
    for name in (charset, declared, "utf-8"):
        for encoding in _codecs_for(name):
            if encoding not in found:
                found.append(encoding)
    return found


def _codecs_for(name: str | None) -> tuple[str, ...]:
    try:
        canonical = codecs.lookup((name or "").strip()).name
        b"<".decode(canonical)  # rejects bytes-to-bytes codecs such as zlib or hex
    except (LookupError, ValueError, UnicodeError):
        return ()
    if canonical.startswith(("utf-16", "utf-32")) or canonical == "utf-7":
        return ("utf-8",)  # no BOM and no zero bytes: the label is wrong, and UTF-7 is a hazard
    return _WIDER.get(canonical, (canonical,))
