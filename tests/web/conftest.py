"""Fixtures for the public site's tests: a demo server for images, a seeded newsroom, and Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk_demo.server import DemoServer
from tests.support.browser import SCREENSHOTS

from .seed import Newsroom, seed


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer(port=0) as server:
        yield server


@pytest.fixture
def newsroom(db: None, demo_server: DemoServer, settings, tmp_path: Path) -> Newsroom:
    settings.DATA_DIR = tmp_path  # a fresh image store per test
    return seed(demo_server.base_url)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    # Shared with other suites' screenshots: files are overwritten, the folder is never emptied.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
