"""Chromium for the integrity browser tests (Debian's /usr/bin/chromium, driven by Playwright).

Module-scoped, so it is closed before another module's Playwright starts (one sync Playwright per
thread at a time). The browser is told to resolve no name but localhost, so a payload pointing at
another host can never make it send a packet beyond this machine; each test also aborts any request
to another origin.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-default-apps", "--disable-sync",
    "--dns-prefetch-disable", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]  # fmt: skip


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium package).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; Django refuses database calls while one
    # runs unless told that this (test-only, single-threaded) use is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
