"""Our copies of outlets' images under DATA_DIR/images, and fetching them through the guarded fetcher.

Files are written whole to a temporary name and renamed, so a reader never gets half an image and two
threads (or processes) fetching the same image do no harm. A failed fetch is remembered for a while (a
`.failed` marker) so that a dead image does not cost an outlet a request per page view.

A hostile or slow outlet must not stall the site (docs/decisions/0009-image-proxy.md):
- one deadline (NEWSDESK_IMAGE_TIMEOUT) covers the whole fetch, the wait for a turn at the host included;
- at most NEWSDESK_IMAGE_FETCHES fetches run at once in a web process; a request beyond them gets the
  placeholder at once instead of a thread that waits;
- a host whose fetches fail or time out NEWSDESK_IMAGE_HOST_FAILURES times in a row is not asked again for
  NEWSDESK_IMAGE_HOST_COOLOFF seconds (a circuit breaker, pybreaker): its images get the placeholder at once;
- article images are fetched in the background when the article is stored (tasks.py), so a reader's
  request normally finds the copy already there.

The folder is bounded by NEWSDESK_IMAGE_CACHE_MAX_BYTES: `prune_images` removes the copies read longest
ago. Serving a copy marks it read (its access time, at most once an hour).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import httpx
import pybreaker
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from newsdesk.ingest.stages.fetch import Fetcher, FetchPolicy
from newsdesk.types import FetchError
from newsdesk.web.images import EXTENSIONS, TYPES, fits_icon, image_size, sniff

log = logging.getLogger(__name__)
FAILURE_TTL = 3600.0
TOUCH_EVERY = 3600.0  # a served copy's access time is brought forward at most this often (seconds)
PART_TTL = 3600.0  # a temporary file this old was left by a process that died while writing


class ImageUnavailable(Exception):
    """The outlet's image could not be fetched, or is not an image we serve."""


class ImageDeferred(ImageUnavailable):
    """Not fetched now (the host is resting, or every image slot is busy); worth asking again later."""


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

    def touch(self, stored: StoredImage) -> None:
        """Mark a copy as read now (its access time), keeping its modification time for Last-Modified."""
        try:
            stat = stored.path.stat()
            if time.time() - stat.st_atime > TOUCH_EVERY:
                os.utime(stored.path, (time.time(), stat.st_mtime))
        except OSError:  # pruned meanwhile by another process: it is served from the open file anyway
            pass

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


@lru_cache(maxsize=1)
def _slots() -> threading.BoundedSemaphore:
    """The image fetches one web process runs at once: never all of its threads."""
    return threading.BoundedSemaphore(max(1, int(settings.NEWSDESK_SITE["IMAGE_FETCHES"])))


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def _breaker(host: str) -> pybreaker.CircuitBreaker:
    conf = settings.NEWSDESK_SITE
    with _breakers_lock:
        breaker = _breakers.get(host)
        if breaker is None:
            breaker = pybreaker.CircuitBreaker(
                fail_max=max(1, int(conf["IMAGE_HOST_FAILURES"])),
                reset_timeout=float(conf["IMAGE_HOST_COOLOFF"]),
                exclude=[lambda exc: isinstance(exc, FetchError) and not _host_fault(exc)],
                name=host,
            )
            _breakers[host] = breaker
        return breaker


def _host_fault(exc: FetchError) -> bool:
    """A failure that says the host is slow, down or overloaded (not: this one image is missing)."""
    return exc.status is None or exc.status >= 500 or exc.status == 429


@receiver(setting_changed)
def _forget_limits(setting: str, **kwargs: object) -> None:
    if setting == "NEWSDESK_SITE":
        _slots.cache_clear()
        with _breakers_lock:
            _breakers.clear()


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host
    except httpx.InvalidURL:
        return ""


def fetch_image(url: str, *, icon: bool = False, wait_for_slot: bool = False) -> tuple[bytes, str]:
    """The image's bytes and media type, or ImageUnavailable with the reason.

    Raises ImageDeferred, without asking the outlet, while the host is resting after failures or (unless
    `wait_for_slot`, for background work) while every image slot of this process is busy.
    An icon must be about square: an outlet's wide wordmark is unreadable at icon size.
    """
    timeout = float(settings.NEWSDESK_SITE["IMAGE_TIMEOUT"])
    deadline = time.monotonic() + timeout
    breaker = _breaker(_host(url))
    slots = _slots()
    if not slots.acquire(timeout=timeout if wait_for_slot else 0):
        raise ImageDeferred("Every image slot of this process is busy.")
    try:
        result = breaker.call(_fetcher().fetch, url, kind="feed", deadline=deadline)
    except pybreaker.CircuitBreakerError as exc:
        log.info("Images from %s are not fetched for a while: %s", breaker.name, exc)
        raise ImageDeferred(f"{breaker.name} failed too often; its images rest for a while.") from exc
    except FetchError as exc:
        raise ImageUnavailable(exc.message) from exc
    finally:
        slots.release()
    media_type = sniff(result.content)
    if media_type is None:
        raise ImageUnavailable(
            "The outlet's answer is not an image we serve (JPEG, PNG, GIF, WebP, AVIF, SVG)."
        )
    if icon and not fits_icon(image_size(result.content, media_type)):
        raise ImageUnavailable("The outlet's icon is a wide logo, not a square icon.")
    return result.content, media_type


def store_image(url: str, *, icon: bool = False, store: ImageStore | None = None) -> StoredImage | None:
    """Fetch and keep one image in the background (no reader waits): the copy, or None if unavailable."""
    from newsdesk.web.images import url_key

    store = store or default_store()
    key = url_key(url)
    stored = store.get(key)
    if stored is not None or store.failed_recently(key):
        return stored
    try:
        data, media_type = fetch_image(url, icon=icon, wait_for_slot=True)
    except ImageDeferred:
        return None
    except ImageUnavailable:
        store.mark_failed(key)
        return None
    return store.put(key, data, media_type)


def prune_images(
    max_bytes: int | None = None, *, root: Path | None = None, now: float | None = None
) -> tuple[int, int]:
    """Bound the image folder: remove the copies read longest ago until the rest fit in `max_bytes`.

    `max_bytes` defaults to NEWSDESK_IMAGE_CACHE_MAX_BYTES (0: no bound, only leftovers are removed).
    Also removes temporary files left by a process that died while writing, and failure markers past
    their time. Safe while web processes serve and write: a file that vanishes meanwhile is skipped, and
    a copy being read stays readable through its open file. Returns (files removed, bytes freed).
    """
    if max_bytes is None:
        max_bytes = int(settings.NEWSDESK_SITE["IMAGE_CACHE_MAX_BYTES"])
    root = root or default_store().root
    now = time.time() if now is None else now
    removed = freed = 0
    copies: list[tuple[float, int, Path]] = []
    total = 0
    for path in _files(root):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        leftover = path.name.startswith(".part-") and now - stat.st_mtime > PART_TTL
        expired = path.suffix == ".failed" and now - stat.st_mtime > FAILURE_TTL
        if leftover or expired:
            if _unlink(path):
                removed, freed = removed + 1, freed + stat.st_size
        elif not path.name.startswith(".") and path.suffix != ".failed":
            copies.append((stat.st_atime, stat.st_size, path))
            total += stat.st_size
    if max_bytes > 0 and total > max_bytes:
        copies.sort()
        for _atime, size, path in copies:
            if total <= max_bytes:
                break
            total -= size  # gone either way: removed by us, or by another process's prune
            if _unlink(path):
                removed, freed = removed + 1, freed + size
    if removed:
        log.info("Pruned %d image file(s), %d bytes", removed, freed)
    return removed, freed


def _files(root: Path) -> list[Path]:
    try:
        folders = [entry for entry in root.iterdir() if entry.is_dir()]
    except FileNotFoundError:
        return []
    found: list[Path] = []
    for folder in folders:
        try:
            found.extend(entry for entry in folder.iterdir() if not entry.is_dir())
        except FileNotFoundError:
            continue
    return found


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
