"""Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

One fixture, `browser` in tests/conftest.py, starts it for each test module (Playwright's sync API
allows one instance per thread at a time). Chromium is told not to reach out anywhere on its own
(background networking, component updates, first-run pings), so tests stay on loopback.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-default-apps", "--disable-sync",
    "--metrics-recording-only", "--no-default-browser-check", "--disable-features=Translate,MediaRouter",
    # Resolve no name but localhost: a payload or page pointing at another host cannot make the browser
    # send a packet beyond this machine (IP literals on loopback still work).
    "--dns-prefetch-disable",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.*, EXCLUDE [::1]",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
