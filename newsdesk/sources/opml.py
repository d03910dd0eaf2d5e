"""OPML 2.0 in and out. Pure: bytes -> outlines, and sources -> bytes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from newsdesk.core.errors import UserError


@dataclass(frozen=True)
class Outline:
    xml_url: str
    title: str
    html_url: str = ""


def parse_opml(content: bytes) -> list[Outline]:
    """Every outline with an xmlUrl, at any depth (categories are folders of outlines)."""
    try:
        root = fromstring(content)
    except (ParseError, DefusedXmlException) as exc:
        raise UserError(f"The file is not readable OPML ({exc}).") from None
    if root.tag.lower() != "opml":
        raise UserError("The file is XML but not OPML: its root element is not <opml>.")
    outlines = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if url:
            title = (node.get("title") or node.get("text") or "").strip()
            outlines.append(Outline(xml_url=url, title=title, html_url=(node.get("htmlUrl") or "").strip()))
    return outlines


def render_opml(sources: Iterable[tuple[str, str, str]], *, title: str, now: datetime | None = None) -> bytes:
    """OPML 2.0 for (name, feed URL, site URL) triples."""
    opml = Element("opml", version="2.0")
    head = SubElement(opml, "head")
    SubElement(head, "title").text = title
    SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC), usegmt=True)
    body = SubElement(opml, "body")
    for name, feed_url, site_url in sources:
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": feed_url}
        if site_url:
            attrs["htmlUrl"] = site_url
        SubElement(body, "outline", attrs)
    document: bytes = tostring(opml, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + document + b"\n"
