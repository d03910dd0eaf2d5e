"""The image copies are kept under a size: the oldest go first, down to 90% of it; leftovers of
interrupted writes and old failure markers go too."""

from __future__ import annotations

import os
import time
from pathlib import Path

from newsdesk.web.image_store import FAILURE_TTL, ImageStore

PNG = "image/png"


def test_the_oldest_copies_go_first(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    now = time.time()
    for n in range(10):
        stored = store.put(f"{n:02d}" + "a" * 18, b"x" * 1000, PNG)
        os.utime(stored.path, (now - 1000 + n, now - 1000 + n))  # 00 the oldest, 09 the newest
    assert store.prune(20_000, now=now) == 0  # under the limit: nothing goes
    assert store.prune(5_000, now=now) == 6  # down to 4,500 bytes: the four newest stay
    kept = sorted(p.name[:2] for p in tmp_path.glob("*/*"))
    assert kept == ["06", "07", "08", "09"]
    assert store.get("09" + "a" * 18) is not None
    assert store.get("00" + "a" * 18) is None


def test_leftovers_and_old_markers_go(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    now = time.time()
    store.mark_failed("ab" + "c" * 18)
    store.mark_failed("ab" + "d" * 18)
    old = tmp_path / "ab" / ("ab" + "c" * 18 + ".failed")
    os.utime(old, (now - FAILURE_TTL - 1, now - FAILURE_TTL - 1))
    part = tmp_path / "ab" / ".part-xyz"
    part.write_bytes(b"half")
    os.utime(part, (now - 7200, now - 7200))
    fresh_part = tmp_path / "ab" / ".part-new"
    fresh_part.write_bytes(b"being written")
    assert store.prune(10**9, now=now) == 2
    assert not old.exists()
    assert not part.exists()
    assert fresh_part.exists()  # another process is writing it
    assert store.failed_recently("ab" + "d" * 18)
