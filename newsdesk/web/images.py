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

from django.urls import reverse

from newsdesk.web.links import is_web_url

ARTICLE = "a"
SOURCE = "s"
KEY_LENGTH = 20

# Raster formats a browser shows, told by their first bytes. SVG is refused: a third party's SVG served
# from our origin could carry script.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
)
EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif",
    "image/x-icon": "ico",
}  # fmt: skip
TYPES = {ext: ctype for ctype, ext in EXTENSIONS.items()}


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:KEY_LENGTH]


def _path(kind: str, pk: int, url: str) -> str:
    if not is_web_url(url):
        return ""
    return reverse("web:image", kwargs={"kind": kind, "pk": pk, "key": url_key(url)})


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
    return None
