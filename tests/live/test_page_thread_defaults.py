"""How many page threads a web process runs by default, and the image fetches kept below them.

More pages running at once in one process only hand the GIL back and forth (docs/decisions/
0017-uncached-pages.md, 2026-12-07 h11l): 4 page threads by default. An image fetch can hold its page
thread for up to NEWSDESK_IMAGE_TIMEOUT seconds, so the fetches a process runs at once stay below its
page threads unless the operator sets both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READ = (
    "import json; from config.settings import base; "
    "print(json.dumps([base.NEWSDESK_SITE['WEB_THREADS'], base.NEWSDESK_SITE['IMAGE_FETCHES']]))"
)


def site_threads(**env: str) -> tuple[int, int]:
    """(WEB_THREADS, IMAGE_FETCHES) as the settings read them from this environment."""
    ours = {"NEWSDESK_WEB_THREADS", "NEWSDESK_IMAGE_FETCHES"}
    clean = {key: value for key, value in os.environ.items() if key not in ours}
    done = subprocess.run(
        [sys.executable, "-c", READ],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    threads, fetches = json.loads(done.stdout.strip().splitlines()[-1])
    return threads, fetches


def test_four_page_threads_and_two_image_fetches_by_default() -> None:
    assert site_threads() == (4, 2)


@pytest.mark.parametrize(("threads", "fetches"), [("16", 4), ("8", 4), ("6", 3), ("3", 1), ("2", 1)])
def test_image_fetches_follow_the_page_threads_and_stay_below_them(threads: str, fetches: int) -> None:
    assert site_threads(NEWSDESK_WEB_THREADS=threads) == (int(threads), fetches)
    assert fetches < int(threads)


def test_a_single_page_thread_still_fetches_images_one_at_a_time() -> None:
    # The only case where a fetch may hold every page thread: the README's settings table says so.
    assert site_threads(NEWSDESK_WEB_THREADS="1") == (1, 1)


def test_an_operators_image_fetches_are_kept_as_set() -> None:
    assert site_threads(NEWSDESK_WEB_THREADS="4", NEWSDESK_IMAGE_FETCHES="3") == (4, 3)
