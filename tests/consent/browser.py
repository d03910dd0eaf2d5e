"""Browser-test helpers for the consent tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-features=Translate,MediaRouter",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

TRACKER_JS = """
document.cookie = "_es_id=tracked; path=/; max-age=31536000";
try { localStorage.setItem("_es_seen", "1"); } catch (e) {}
fetch("HIT_URL?from=" + encodeURIComponent(location.pathname), {mode: "no-cors"});
window.exampleStatsLoaded = true;
"""


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
