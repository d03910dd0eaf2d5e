"""Chromium for the Live News browser test (Debian's /usr/bin/chromium, driven by Playwright).

The Chromium itself is the session-wide `browser` fixture of tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import SCREENSHOTS


@pytest.fixture
def chromium(browser: object) -> object:
    return browser


@pytest.fixture(scope="module")
def shots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
