"""Fixtures for the public site's tests: a demo server for images, a seeded newsroom, and Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.demo.server import DemoServer

from .seed import Newsroom, seed

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-default-apps", "--disable-sync",
    "--metrics-recording-only", "--no-default-browser-check",
]  # fmt: skip


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer(port=0) as server:
        yield server


@pytest.fixture
def newsroom(db: None, demo_server: DemoServer, settings, tmp_path: Path) -> Newsroom:
    settings.DATA_DIR = tmp_path  # a fresh image store per test
    return seed(demo_server.base_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium package).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; Django refuses database calls while one
    # runs unless told that this (test-only, single-threaded) use is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    # Shared with other suites' screenshots: files are overwritten, the folder is never emptied.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
