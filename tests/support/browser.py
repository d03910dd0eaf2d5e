"""Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

One Playwright instance serves the whole test session (its sync API allows one per thread at a time):
the `browser` fixture in tests/conftest.py. Chromium is told not to reach out anywhere on its own
(background networking, component updates, first-run pings), so tests stay on loopback.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-default-apps", "--disable-sync",
    "--metrics-recording-only", "--no-default-browser-check", "--disable-features=Translate,MediaRouter",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
