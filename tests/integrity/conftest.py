"""Chromium for the integrity browser tests (Debian's /usr/bin/chromium, driven by Playwright).

The Chromium itself is the session-wide `browser` fixture of tests/conftest.py.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def chromium(browser: object) -> object:
    return browser
