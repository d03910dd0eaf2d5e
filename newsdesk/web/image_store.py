"""Our copies of outlets' images under DATA_DIR/images, and fetching them through the guarded fetcher.

Files are written whole to a temporary name and renamed, so a reader never gets half an image and two
threads fetching the same image do no harm. A failed fetch is remembered for a while (a `.failed`
marker) so that a dead image does not cost an outlet a request per page view.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from newsdesk.ingest.stages.fetch import Fetcher, FetchPolicy
from newsdesk.types import FetchError
from newsdesk.web.images import EXTENSIONS, TYPES, fits_icon, image_size, sniff

FAILURE_TTL = 3600.0


class ImageUnavailable(Exception):
    """The outlet's image could not be fetched, or is not an image we serve."""


@dataclass(frozen=True)
class StoredImage:
    path: Path
    media_type: str
    size: int
    mtime: float


class ImageStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _base(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str) -> StoredImage | None:
        folder = self._base(key).parent
        for ext, media_type in TYPES.items():
            path = folder / f"{key}.{ext}"
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            return StoredImage(path, media_type, stat.st_size, stat.st_mtime)
        return None

    def failed_recently(self, key: str, ttl: float = FAILURE_TTL) -> bool:
        try:
            return time.time() - self._base(key).with_suffix(".failed").stat().st_mtime < ttl
        except FileNotFoundError:
            return False

    def mark_failed(self, key: str) -> None:
        marker = self._base(key).with_suffix(".failed")
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()

    def put(self, key: str, data: bytes, media_type: str) -> StoredImage:
        target = self._base(key).with_suffix("." + EXTENSIONS[media_type])
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self._base(key).with_suffix(".failed").unlink(missing_ok=True)
        stat = target.stat()
        return StoredImage(target, media_type, stat.st_size, stat.st_mtime)


def default_store() -> ImageStore:
    return ImageStore(Path(settings.DATA_DIR) / "images")


@lru_cache(maxsize=1)
def _fetcher() -> Fetcher:
    """One fetcher per process (it is thread-safe): the ingest fetcher's SSRF guard, with image limits."""
    conf = settings.NEWSDESK_SITE
    timeout = float(conf["IMAGE_TIMEOUT"])
    policy = FetchPolicy(
        site_url=settings.SITE_URL,
        allow_private_networks=settings.NEWSDESK_INGEST["ALLOW_PRIVATE_NETWORKS"],
        connect_timeout=min(timeout, 5.0),
        read_timeout=timeout,
        total_timeout=timeout,
        max_body_bytes=conf["IMAGE_MAX_BYTES"],
        per_host_concurrency=settings.NEWSDESK_INGEST["FETCH_PER_HOST"],
    )
    return Fetcher(policy)


@receiver(setting_changed)
def _forget_fetcher(setting: str, **kwargs: object) -> None:
    if setting in {"NEWSDESK_INGEST", "NEWSDESK_SITE"} and _fetcher.cache_info().currsize:
        _fetcher().close()
        _fetcher.cache_clear()


def fetch_image(url: str, *, icon: bool = False) -> tuple[bytes, str]:
    """The image's bytes and media type, or ImageUnavailable with the reason.

    An icon must be about square: an outlet's wide wordmark is unreadable at icon size.
    """
    try:
        result = _fetcher().fetch(url, kind="feed")
    except FetchError as exc:
        raise ImageUnavailable(exc.message) from exc
    media_type = sniff(result.content)
    if media_type is None:
        raise ImageUnavailable(
            "The outlet's answer is not an image we serve (JPEG, PNG, GIF, WebP, AVIF, SVG)."
        )
    if icon and not fits_icon(image_size(result.content, media_type)):
        raise ImageUnavailable("The outlet's icon is a wide logo, not a square icon.")
    return result.content, media_type
