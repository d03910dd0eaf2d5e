"""Outlets' lead images and icons, served from our own origin (docs/decisions: image proxy).

A reader's browser never asks an outlet's server for anything: that would be a third-party request,
before any consent. The page points at /img/<kind>/<id>/<key>/, where the key is a hash of the
stored image URL, so only URLs that belong to a published article or a source are ever fetched (this
is not an open proxy) and a changed URL gets a new address (so a copy may be kept for a year).

This module is the pure part: addresses, keys and recognising image bytes. The store and the fetching
live in image_store.py; the view in views/images.py.
"""

from __future__ import annotations

import hashlib
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from newsdesk.core import frame
from newsdesk.core.urls import is_web_url

ARTICLE = "a"
SOURCE = "s"
KEY_LENGTH = 20

# Raster formats a browser shows, told by their first bytes. SVG is served only when it is plain
# drawing (see `safe_svg`): a third party's SVG on our origin must not be able to carry script.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
)
EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif",
    "image/x-icon": "ico", "image/svg+xml": "svg",
}  # fmt: skip
TYPES = {ext: ctype for ctype, ext in EXTENSIONS.items()}


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:KEY_LENGTH]


def _path(kind: str, pk: int, url: str) -> str:
    """What reverse("web:image", …) gives, built directly (lists show many; see links.article_path)."""
    if not is_web_url(url):
        return ""
    return f"{frame.prefix()}img/{kind}/{pk}/{url_key(url)}/"


def article_image_path(article: Any) -> str:
    return _path(ARTICLE, article.pk, article.lead_image or "")


def source_icon_path(source: Any) -> str:
    return _path(SOURCE, source.pk, source.icon_url or "")


def sniff(data: bytes) -> str | None:
    """The media type of an image we are willing to serve, told by its bytes; None for anything else."""
    for offset, signature, media_type in _SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in {b"avif", b"avis"}:
        return "image/avif"
    if safe_svg(data):
        return "image/svg+xml"
    return None


ICON_MAX_RATIO = 1.5  # wider (or taller) than this is a wordmark, not an icon: we draw a monogram


def image_size(data: bytes, media_type: str) -> tuple[float, float] | None:
    """Width and height from the image's header, where cheaply known (PNG, GIF, JPEG, SVG)."""
    try:
        if media_type == "image/png" and data[12:16] == b"IHDR":
            return float(int.from_bytes(data[16:20], "big")), float(int.from_bytes(data[20:24], "big"))
        if media_type == "image/gif":
            return float(int.from_bytes(data[6:8], "little")), float(int.from_bytes(data[8:10], "little"))
        if media_type == "image/jpeg":
            return _jpeg_size(data)
        if media_type == "image/svg+xml":
            return _svg_size(data)
    except (IndexError, ValueError):
        return None
    return None


def fits_icon(size: tuple[float, float] | None) -> bool:
    if size is None:
        return True
    width, height = size
    if width <= 0 or height <= 0:
        return False
    return max(width, height) / min(width, height) <= ICON_MAX_RATIO


def _jpeg_size(data: bytes) -> tuple[float, float] | None:
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            width = int.from_bytes(data[at + 7 : at + 9], "big")
            return float(width), float(height)
        at += 2 + length
    return None


def _svg_size(data: bytes) -> tuple[float, float] | None:
    root = ElementTree.fromstring(data, forbid_dtd=True)
    view_box = root.get("viewBox", "").replace(",", " ").split()
    if len(view_box) == 4:
        return float(view_box[2]), float(view_box[3])
    width, height = root.get("width", ""), root.get("height", "")
    if width and height:
        return float(width.rstrip("px")), float(height.rstrip("px"))
    return None


_SVG_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
SVG_MAX_BYTES = 1_000_000


def safe_svg(data: bytes) -> bool:
    """True for an SVG that only draws: well-formed, no script, no event handlers, no outside links.

    Served SVG also gets a sandboxing Content-Security-Policy; this check is the second lock.
    """
    head = data[:512].lstrip()
    if len(data) > SVG_MAX_BYTES or not (head.startswith(b"<?xml") or head.startswith(b"<svg")):
        return False
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return False
    if _local(root.tag) != "svg":
        return False
    for element in root.iter():
        if _local(element.tag) in _SVG_FORBIDDEN:
            return False
        if _local(element.tag) == "style" and _outside_reference(element.text or ""):
            return False
        for name, value in element.attrib.items():
            name = _local(name)
            if name.startswith("on"):
                return False
            if name == "href" and not value.strip().startswith("#"):
                return False
            if _outside_reference(value):
                return False
    return True


def _outside_reference(css: str) -> bool:
    """CSS that reaches outside the file: @import, or url() of anything but a #fragment."""
    flat = css.replace(" ", "").lower()
    return "@import" in flat or flat.count("url(") != flat.count("url(#")


def _local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].lower()
