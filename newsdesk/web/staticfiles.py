"""Static file URLs that change when the file does, without a collectstatic step.

Whitenoise serves the files straight from the apps' static folders (WHITENOISE_USE_FINDERS). Each
URL carries `?v=<hash of the content>`, so a browser or CDN may keep a file for a year and still
picks up a new release at once. See docs/decisions (static files).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import StaticFilesStorage


@lru_cache(maxsize=512)
def content_version(name: str) -> str:
    """The first 12 hex digits of the file's SHA-256, or "" when no finder knows the file."""
    path = finders.find(name)
    if not path or isinstance(path, list):
        return ""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


class VersionedStaticFilesStorage(StaticFilesStorage):
    def url(self, name: str | None) -> str:
        url = super().url(name)
        version = content_version(name) if name else ""
        return f"{url}?v={version}" if version else url
